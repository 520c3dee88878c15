// A generic family's policy from a target's kernel: its id by name (CTRL_CMD_GETFAMILY), then the policy dump
// (CTRL_CMD_GETPOLICY), read and lined up with the family's spec. Through the Exchanger, so the same code runs
// against the lab, an SSH target, and in the tests against this machine's kernel.
import { resolveFamilyId } from '../builder/resolveFamily';
import type { Exchanger } from '../exchange/exchanger';
import { NETLINK_GENERIC, type FamilyRegistry } from '../netlink/index';
import { comparePolicy, getPolicyRequest, parsePolicyReplies, type PolicyReport } from '../netlink/policy';

export interface FamilyPolicyResult {
  readonly report: PolicyReport;
  readonly familyId: number;
  /** The spec file the comparison used, when the registry has one for the family. */
  readonly specSource?: string;
}

export async function fetchFamilyPolicy(
  exchanger: Exchanger,
  family: string,
  registry: FamilyRegistry,
  timeoutMs: number,
): Promise<FamilyPolicyResult | { error: string }> {
  const id = await resolveFamilyId(exchanger, family, timeoutMs);
  if ('error' in id) return id;
  let result;
  try {
    result = await exchanger.exchange(NETLINK_GENERIC, getPolicyRequest({ id: id.id }, 1), { timeoutMs });
  } catch (e) {
    return { error: `policy of "${family}": ${e instanceof Error ? e.message : String(e)}` };
  }
  if (result.outcome === 'timeout')
    return {
      error: `policy of "${family}": the dump did not end within ${timeoutMs} ms (${result.replies.length} replies)`,
    };
  const policy = parsePolicyReplies(result.replies);
  const spec = registry.genlByFamilyName(family);
  return {
    report: comparePolicy(policy, spec, family),
    familyId: id.id,
    ...(spec ? { specSource: spec.source } : {}),
  };
}
