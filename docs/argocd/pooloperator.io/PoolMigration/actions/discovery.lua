-- The PoolMigration actions Argo CD offers, each enabled only where the operator would act on it.
local actions = {}
local phase = ""
local paused = false
if obj.status ~= nil and obj.status.phase ~= nil then
  phase = obj.status.phase
  paused = obj.status.pause ~= nil
end
local annotations = {}
if obj.metadata.annotations ~= nil then
  annotations = obj.metadata.annotations
end

local reverting = phase == "RollingBack" or phase == "RolledBack"
local finished = phase == "Completed" or phase == "Invalid"
local active = not reverting and not finished and phase ~= ""
local pausedByPerson = annotations["pooloperator.io/paused"] == "true"

actions["approve"] = {["disabled"] = phase ~= "AwaitingApproval"}
actions["promote"] = {["disabled"] = not active}
actions["pause"] = {["disabled"] = not active or pausedByPerson}
actions["resume"] = {["disabled"] = not (pausedByPerson or paused)}
actions["abort"] = {["disabled"] = not active}
actions["retry"] = {["disabled"] = not (phase == "RolledBack" or (obj.status ~= nil and obj.status.pause ~= nil and obj.status.pause.reason == "Trigger"))}
return actions
