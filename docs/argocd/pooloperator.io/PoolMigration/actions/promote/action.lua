-- promote: a one-shot request; the token only has to differ from the last one the operator handled.
if obj.metadata.annotations == nil then
  obj.metadata.annotations = {}
end
obj.metadata.annotations["pooloperator.io/promote"] = os.date("!%Y-%m-%dT%H:%M:%SZ")
return obj
