// Whether an SSH server answers behind the forwarded port. QEMU's user-mode network accepts the host's TCP
// connection before the guest listens (or even has a network); such a connection then just hangs. Reading the
// "SSH-" greeting with a short timeout tells a live dropbear from that cheaply, before ssh itself is run.
import net from 'node:net';

export function sshBannerSeen(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let got = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      if (got.length >= 4) done(got.startsWith('SSH-'));
    });
    sock.on('error', () => done(false));
    sock.on('close', () => done(false));
  });
}
