-- pause: holds the migration where it stands until the annotation is removed (resume).
if obj.metadata.annotations == nil then
  obj.metadata.annotations = {}
end
obj.metadata.annotations["pooloperator.io/paused"] = "true"
return obj
