// Protocol inference (`auto`): every real fixture decoded with its protocol hidden must come out under the
// protocol it was captured on; bytes that cannot tell (only control messages with capped echoes) are flagged
// ambiguous rather than guessed silently. Words near the hex choose before the bytes do.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureNames, loadFixture } from '../fixtures/load';
import {
  concatBytes,
  createRegistry,
  encodeMessage,
  NETLINK_GENERIC,
  NETLINK_NLREPLY,
  NETLINK_ROUTE,
} from '../../extension/src/netlink/index';
import { chooseProtocol, decodeChosen, inferProtocol } from '../../extension/src/netlink/infer';
import { protocolWord } from '../../extension/src/netlink/protocolHint';
import { parseProtocolSetting } from '../../extension/src/netlink/protocols';
import { hoverAt } from '../../extension/src/server/hover';
import { loadSpecFiles } from '../../extension/src/specs/specFiles';

const registry = createRegistry(loadSpecFiles([], ['kmod/nlreply.yaml']).families);

describe('protocol inference on the real fixtures, protocol hidden', () => {
  for (const name of fixtureNames()) {
    it(name, () => {
      const f = loadFixture(name);
      const whole = inferProtocol(concatBytes([...f.buffers]), { registry });
      assert.equal(whole.chosen.protocol, f.protocol, `${name}: chose ${whole.chosen.protocol}`);
      for (const [i, buffer] of f.buffers.entries()) {
        const r = inferProtocol(buffer, { registry });
        // A buffer holding only an NLMSG_DONE (the end of a dump) fits every protocol alike: flagged, not wrong.
        if (r.ambiguous) continue;
        assert.equal(r.chosen.protocol, f.protocol, `${name} buffer ${i}: chose ${r.chosen.protocol}`);
        assert.ok(r.runnerUp && r.runnerUp.score < r.chosen.score);
      }
    });
  }

  it("chooseProtocol (the CLI's streaming path) makes decodeChosen's choice without decoding the whole run", () => {
    for (const name of fixtureNames()) {
      const bytes = concatBytes([...loadFixture(name).buffers]);
      assert.deepEqual(
        chooseProtocol(bytes, { setting: 'auto', registry }),
        decodeChosen(bytes, { setting: 'auto', registry }).choice,
        name,
      );
    }
    const many = concatBytes(
      Array.from({ length: 300 }, () => concatBytes([...loadFixture(fixtureNames()[0]!).buffers])),
    );
    assert.deepEqual(
      chooseProtocol(many, { setting: 'auto', registry }),
      decodeChosen(many, { setting: 'auto', registry }).choice,
    );
    assert.deepEqual(chooseProtocol(many, { setting: 16, registry }), { protocol: 16, how: 'setting' });
  });

  it('says how many fixtures were told apart by their bytes alone', () => {
    const names = fixtureNames();
    const clear = names.filter((n) => !inferProtocol(concatBytes([...loadFixture(n).buffers]), { registry }).ambiguous);
    // The ambiguous ones are capped acks/errors echoing type 16 (RTM_NEWLINK and nlctrl alike) and a DONE with
    // only an ext-ack text: no byte says which protocol they came from.
    assert.ok(clear.length >= names.length - 3, `${clear.length} of ${names.length} unambiguous`);
  });
});

describe("the reference module's protocol", () => {
  const te = new TextEncoder();
  const request = encodeMessage({ type: 16, flags: 5, seq: 7, pid: 0 }, te.encode('hello module'));
  const reply = encodeMessage(
    { type: 3, flags: 0, seq: 7, pid: 0 },
    te.encode('message from port 4242 processed by kernel: hello module\0'),
  );
  it('text payloads on types the module spec defines fit the module protocol', () => {
    for (const bytes of [request, reply, concatBytes([request, reply])]) {
      const r = inferProtocol(bytes, { registry });
      assert.equal(r.chosen.protocol, NETLINK_NLREPLY);
      assert.equal(r.ambiguous, false);
    }
  });
  it('binary payloads do not fit it', () => {
    const r = inferProtocol(concatBytes([...loadFixture('rtm-getlink-dump').buffers]), { registry });
    assert.notEqual(r.chosen.protocol, NETLINK_NLREPLY);
  });
});

describe('words near the hex', () => {
  it('a log line naming genl chooses generic, rtnetlink chooses route, a family name chooses generic', () => {
    assert.equal(protocolWord('netlink reply from genl: ', 25), NETLINK_GENERIC);
    assert.equal(protocolWord('rtnetlink dump:\n', 16), NETLINK_ROUTE);
    assert.equal(protocolWord('nl80211 event ', 14), NETLINK_GENERIC);
    assert.equal(protocolWord('my_family reply ', 16, ['my_family']), NETLINK_GENERIC);
    assert.equal(protocolWord('nothing to say here ', 20), undefined);
  });
  it("only the run's own line and the line above count", () => {
    assert.equal(protocolWord('genl\n\n\n00 11', 7), undefined);
  });
  it('an explicit protocol setting beats a word; `auto` lets it choose', () => {
    const bytes = concatBytes([...loadFixture('rtm-getlink-enodev-capped').buffers]);
    assert.equal(
      decodeChosen(bytes, { word: NETLINK_GENERIC, setting: NETLINK_ROUTE, registry }).choice.how,
      'setting',
    );
    const chosen = decodeChosen(bytes, { word: NETLINK_GENERIC, setting: 'auto', registry }).choice;
    assert.deepEqual(chosen, { protocol: NETLINK_GENERIC, how: 'word' });
  });
});

describe('the hover under auto', () => {
  it('a generic error under "netlink reply from genl:" is decoded as generic, its echoed GETFAMILY by nlctrl', () => {
    const hex = Buffer.from(concatBytes([...loadFixture('genl-getfamily-enoent').buffers])).toString('hex');
    const text = `netlink reply from genl: ${hex}\n`;
    const answer = hoverAt(text, 30, 'auto', registry);
    assert.ok(answer);
    assert.match(answer.markdown, /generic \(16\), from a word near the hex/);
    assert.match(answer.markdown, /CTRL_CMD_GETFAMILY/);
    assert.doesNotMatch(answer.markdown, /RTM_NEWLINK/);
  });
  it('without a word, the bytes choose and the runner-up is named', () => {
    const hex = Buffer.from(concatBytes([...loadFixture('genl-getfamily-enoent').buffers])).toString('hex');
    const answer = hoverAt(`${hex}\n`, 3, 'auto', registry);
    assert.ok(answer);
    assert.match(answer.markdown, /generic \(16\), inferred from the bytes; runner-up route \(0\)/);
    assert.match(answer.markdown, /CTRL_CMD_GETFAMILY/);
  });
});

describe('the setting', () => {
  it('takes auto besides the protocols', () => {
    assert.deepEqual(parseProtocolSetting('auto'), { protocol: 'auto' });
    assert.deepEqual(parseProtocolSetting('generic'), { protocol: NETLINK_GENERIC });
    assert.ok('error' in parseProtocolSetting('nonsense'));
  });
});
