-- resume: lifts a pause by annotation, and with a fresh token also a pause caused by a failed check
-- (rollback.automatic false) or by inconclusive analysis. A spec.paused set in Git stays: Git owns it.
if obj.metadata.annotations == nil then
  obj.metadata.annotations = {}
end
obj.metadata.annotations["pooloperator.io/paused"] = nil
obj.metadata.annotations["pooloperator.io/resume"] = os.date("!%Y-%m-%dT%H:%M:%SZ")
return obj
