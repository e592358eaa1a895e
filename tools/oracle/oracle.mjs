// Reads posture's policy cases (JSON Lines on stdin) and writes the decision of an independent IAM
// evaluator, @cloud-copilot/iam-simulate, for each (JSON Lines on stdout): {"id", "oracle"} where
// oracle is "allow", "explicit_deny", "implicit_deny" or "error" (with "error": the reason).
//
// A case: {"id", "identity": [policy...], "boundary": policy|null, "resource_policy": policy|null,
//          "scps": [policy...], "request": {"principal", "action", "resource", "account", "context"}}
import { createInterface } from 'node:readline'
import { runSimulation } from '@cloud-copilot/iam-simulate'

const DECISIONS = { Allowed: 'allow', ExplicitlyDenied: 'explicit_deny', ImplicitlyDenied: 'implicit_deny' }

function simulation(c) {
  const r = c.request
  return {
    request: {
      principal: r.principal,
      action: r.action,
      resource: { resource: r.resource, accountId: r.account },
      contextVariables: r.context || {}
    },
    identityPolicies: (c.identity || []).map((policy, i) => ({ name: `identity${i}`, policy })),
    permissionBoundaryPolicies: c.boundary ? [{ name: 'boundary', policy: c.boundary }] : undefined,
    serviceControlPolicies: (c.scps || []).length
      ? [{ orgIdentifier: 'o-root', policies: c.scps.map((policy, i) => ({ name: `scp${i}`, policy })) }]
      : [],
    resourceControlPolicies: [],
    resourcePolicy: c.resource_policy || undefined
  }
}

async function decide(c) {
  try {
    const result = await runSimulation(simulation(c), { simulationMode: 'Strict' })
    if (result.resultType === 'error') {
      return { id: c.id, oracle: "error", error: result.errors.message, details: result.errors }
    }
    const ignored = result.resultType === 'single' ? result.result.ignoredContextKeys || [] : []
    const answer = { id: c.id, oracle: DECISIONS[result.overallResult] || result.overallResult }
    if (ignored.length) answer.ignored = ignored
    return answer
  } catch (error) {
    return { id: c.id, oracle: 'error', error: String(error && error.message ? error.message : error) }
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  if (!line.trim()) continue
  process.stdout.write(JSON.stringify(await decide(JSON.parse(line))) + '\n')
}
