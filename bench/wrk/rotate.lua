-- Send the requests listed in a data file, in turn (each thread from its own offset).
-- Data file (first script argument): one request a line, "METHOD<TAB>PATH[<TAB>BODY]".
-- Headers (Authorization, Cookie, Content-Type) come from wrk's -H options.
local requests = {}
local index = 0

function init(args)
  for line in io.lines(args[1]) do
    local method, path, body = line:match("^(%u+)\t([^\t]+)\t?(.*)$")
    if method then
      if body == "" then
        body = nil
      end
      table.insert(requests, wrk.format(method, path, nil, body))
    end
  end
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  index = math.random(#requests)
end

function request()
  index = index % #requests + 1
  return requests[index]
end
