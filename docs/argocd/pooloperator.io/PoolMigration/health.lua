-- Argo CD health of a PoolMigration (pooloperator.io/v1alpha1), from its status alone.
--   Healthy      Completed, or Completing: V2 serves 100% and only the rollback window keeps V1 warm.
--   Progressing  the operator has not yet seen this spec, or the migration moves through its stages.
--   Suspended    it waits for a person: an approval gate, or a pause (spec.paused, the paused annotation,
--                a failed check with rollback.automatic false, inconclusive analysis, a deleted Deployment).
--   Degraded     the spec is invalid, or a rollback was triggered: traffic went (or is going) back to V1
--                and stays there until a person retries.
local hs = {}

local function describe(prefix, text)
  if text ~= nil and text ~= "" then
    return prefix .. ": " .. text
  end
  return prefix
end

if obj.status == nil or obj.status.phase == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to record a status"
  return hs
end

local status = obj.status
local generation = obj.metadata.generation
if generation ~= nil and status.observedGeneration ~= nil and status.observedGeneration < generation
    and status.phase ~= "Completed" then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe spec generation " .. generation
  return hs
end

local phase = status.phase
if phase == "Completed" then
  hs.status = "Healthy"
  hs.message = describe("Completed", status.message)
elseif phase == "Completing" then
  hs.status = "Healthy"
  hs.message = describe("V2 serves 100%", status.message)
elseif phase == "Invalid" then
  hs.status = "Degraded"
  hs.message = describe("Invalid spec", status.message)
elseif phase == "RollingBack" or phase == "RolledBack" then
  hs.status = "Degraded"
  local trigger = ""
  if status.rollback ~= nil and status.rollback.trigger ~= nil then
    trigger = " (" .. status.rollback.trigger .. ")"
  end
  hs.message = describe(phase .. trigger, status.message)
elseif phase == "AwaitingApproval" or phase == "Paused" then
  hs.status = "Suspended"
  hs.message = describe(phase, status.message)
else
  -- Pending, Initializing, Shadowing, Progressing, and any phase a newer operator may add.
  hs.status = "Progressing"
  hs.message = describe(phase, status.message)
end
return hs
