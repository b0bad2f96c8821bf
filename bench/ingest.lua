-- wrk script for the ingest benchmark: sends the pre-signed deliveries of bench/SignRequests.java
-- and counts what the receiver answered. Run by load_run in bench/lib.sh:
--
--   wrk -t T -c C -d SECONDS --timeout 10s -s bench/ingest.lua URL -- key=value ...
--
--   requests=PREFIX  files PREFIX.0 .. PREFIX.(T-1), one per wrk thread (thread k sends file k)
--   mode=closed      every connection sends its next request as soon as the previous is answered
--   mode=open        one connection per thread (T = C); request i of file k is due at
--                    first send + (k + i*C)/rate seconds: all files together arrive at `rate`/s
--   rate=R           open loop: requests per second over all connections
--   window=S         seconds in which requests are sent; after it nothing new is sent and the run
--                    ends when every thread has its answers (wrk -d is window + drain)
--   count=1          send each file once and end when done, whatever the window
--   label=TEXT, marker=FILE (created at the first send), done=DIR (one file per finished thread)
--
-- Prints a summary and one line "RESULT mode=... key=value ...". Latency: closed loop, wrk's own
-- (request written to answer read); open loop, from each request's INTENDED send time to its
-- answer, so a stalled server is charged for the requests it held up (no coordinated omission).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } aqid_timespec;
int clock_gettime(int clk, aqid_timespec *tp);
int kill(int pid, int sig);
int getpid(void);
]]
local ts = ffi.new("aqid_timespec")
local function now_ms() -- CLOCK_MONOTONIC, shared by all threads of the process
   ffi.C.clock_gettime(1, ts)
   return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local IDLE = 3600000 -- ms: "send nothing more on this connection"

-- ---------------------------------------------------------------- main state: setup and done
local threads = {}
function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

-- ---------------------------------------------------------------- thread state
opt = {}     -- the key=value arguments (read by done() through thread:get)
nreq = 0
local reqs = {}
sent, answered, acked, acked_new, acked_dup, in_window, acked_in_window = 0, 0, 0, 0, 0, 0, 0
exhausted, late, ran_out = 0, 0, 0
statuses = {} -- non-202 status -> count
lat = {}      -- open loop: ms from intended send to answer
first_send, last_answer = nil, nil
local inflight, deadline, period, offset, finished = 0, nil, 0, 0, false
local granted = 0 -- closed loop: sends delay() allowed and request() has not yet made
local cur_intended, cur_sent
local verifying = false -- wrk calls request() once in thread 0 before the run, to check it

function init(args)
   for _, a in ipairs(args) do
      local k, v = a:match("^([^=]+)=(.*)$")
      if k then opt[k] = v end
   end
   opt.window = tonumber(opt.window) * 1000
   opt.rate = tonumber(opt.rate or "0")
   opt.conns = tonumber(opt.conns or "1")
   opt.threads = tonumber(opt.threads or "1")
   local host = wrk.host .. (wrk.port and (":" .. wrk.port) or "")
   local f = assert(io.open(opt.requests .. "." .. id, "r"))
   for line in f:lines() do
      local d, attempt, sig, body = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t(.*)$")
      if d then
         nreq = nreq + 1
         reqs[nreq] = "POST " .. wrk.path .. " HTTP/1.1\r\nHost: " .. host ..
            "\r\nUser-Agent: wrk\r\nContent-Type: application/json\r\nX-AQID-Delivery-Attempt: " .. attempt ..
            "\r\nX-AQID-Delivery-Id: " .. d .. "\r\nX-AQID-Signature: " .. sig ..
            "\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body
      end
   end
   f:close()
   verifying = (id == 0)
   if opt.mode == "open" then
      period = 1000 * opt.conns / opt.rate
      offset = 1000 * id / opt.rate
   end
end

local function finish()
   if finished then return end
   finished = true
   if not opt.done then return end
   local f = io.open(opt.done .. "/" .. id, "w")
   if f then f:close() end
   for k = 0, opt.threads - 1 do
      local g = io.open(opt.done .. "/" .. k, "r")
      if not g then return end
      g:close()
   end
   ffi.C.kill(ffi.C.getpid(), 2) -- every thread is done: SIGINT ends wrk's sleep at once
end

local function start(t)
   if deadline then return end
   deadline = t + opt.window
   if opt.marker then
      local f = io.open(opt.marker, "w")
      if f then f:close() end
   end
end

-- the time request number i (0-based) of this thread is due (open loop)
local function intended(i) return deadline - opt.window + offset + i * period end

local function more(t) -- may this thread send another request?
   if sent + granted >= nreq then
      -- a timed run whose pre-signed requests ran out before its window ended: it undercounts
      if opt.count ~= "1" and ((opt.mode == "open" and intended(sent + granted) < deadline)
            or (opt.mode ~= "open" and t < deadline)) then
         ran_out = 1
      end
      return false
   end
   if opt.mode == "open" then
      return opt.count == "1" or intended(sent) < deadline
   end
   return opt.count == "1" or t < deadline
end

function delay()
   local t = now_ms()
   start(t)
   if not more(t) then
      if inflight == 0 and granted == 0 then finish() end
      return IDLE
   end
   if opt.mode == "open" then
      local wait = intended(sent) - t
      if wait >= 1 then return math.floor(wait) end
   else
      -- a thread's connections share its requests: without this, two connections told "go" at
      -- the end of the window or of the file would both send, one request too many
      granted = granted + 1
   end
   return 0
end

function request()
   if verifying then
      verifying = false
      return reqs[1] or ""
   end
   local t = now_ms()
   start(t)
   if granted > 0 then
      granted = granted - 1
   elseif not more(t) then
      -- only after a reconnect: re-send the last request (a duplicate, stored once)
      exhausted = exhausted + 1
      return reqs[math.max(nreq, 1)]
   end
   sent = sent + 1
   inflight = inflight + 1
   first_send = first_send or t
   if opt.mode == "open" then
      cur_intended, cur_sent = intended(sent - 1), t
      if t - cur_intended > 1 then late = late + 1 end
   end
   return reqs[sent]
end

function response(status, headers, body)
   local t = now_ms()
   answered = answered + 1
   inflight = math.max(inflight - 1, 0)
   last_answer = t
   if status == 202 then
      acked = acked + 1
      if t <= deadline then acked_in_window = acked_in_window + 1 end
      if body and body:find('"duplicate":true', 1, true) then
         acked_dup = acked_dup + 1
      else
         acked_new = acked_new + 1
      end
   else
      statuses[status] = (statuses[status] or 0) + 1
   end
   if opt.mode == "open" and cur_intended then
      lat[#lat + 1] = t - math.min(cur_intended, cur_sent)
      cur_intended = nil
   end
   if inflight == 0 and granted == 0 and not more(t) then finish() end
end

-- ---------------------------------------------------------------- main state: the report
local function sum(key)
   local s = 0
   for _, t in ipairs(threads) do s = s + (t:get(key) or 0) end
   return s
end

function done(summary, latency, requests)
   local o2 = threads[1]:get("opt") or {}
   local mode, label, window = o2.mode or "?", o2.label or "", (o2.window or 0) / 1000
   local count_mode = o2.count == "1"
   local all, unsent, codes, first, last = {}, 0, {}, nil, nil
   for _, t in ipairs(threads) do
      for _, v in ipairs(t:get("lat") or {}) do all[#all + 1] = v end
      for code, c in pairs(t:get("statuses") or {}) do codes[code] = (codes[code] or 0) + c end
      local f, l = t:get("first_send"), t:get("last_answer")
      if f and (not first or f < first) then first = f end
      if l and (not last or l > last) then last = l end
      -- requests due in the window (count mode: every request of the file) but never sent
      local due = t:get("nreq") or 0
      if mode == "open" and not count_mode then
         local period, offset = 1000 * o2.conns / o2.rate, 1000 * (t:get("id") or 0) / o2.rate
         due = math.max(0, math.ceil((o2.window - offset) / period))
      end
      if mode == "open" or count_mode then unsent = unsent + math.max(0, due - (t:get("sent") or 0)) end
   end
   local span = (first and last) and (last - first) / 1000 or 0
   local secs = count_mode and span or window
   local function per_s(x) return secs > 0 and string.format("%.1f", x / secs) or "0" end
   local function fmt(v)
      if v == nil then return "n/a" end
      if v == math.huge then return "inf" end
      return string.format("%.2f", v)
   end
   local p = {}
   if mode == "open" then
      for _ = 1, unsent do all[#all + 1] = math.huge end
      table.sort(all)
      local function rank(q)
         if #all == 0 then return nil end
         return all[math.max(1, math.ceil(q / 100 * #all))]
      end
      p = { p50 = rank(50), p90 = rank(90), p99 = rank(99), p999 = rank(99.9), max = all[#all] }
      local s = 0
      for _, v in ipairs(all) do if v ~= math.huge then s = s + v end end
      p.mean = #all > 0 and s / #all or nil
   else
      local function us(q) return latency:percentile(q) / 1000 end
      p = { p50 = us(50), p90 = us(90), p99 = us(99), p999 = us(99.9), max = latency.max / 1000,
         mean = latency.mean / 1000 }
   end
   local e = summary.errors
   local io_errors = e.connect + e.read + e.write
   local non202 = 0
   local other = {}
   for code, c in pairs(codes) do
      non202 = non202 + c
      other[#other + 1] = code .. "x" .. c
   end
   local sent, acked = sum("sent"), sum("acked")
   io.write(string.format("%s loop%s: %d connection(s), %s\n", mode,
      mode == "open" and (" at " .. o2.rate .. "/s") or "", o2.conns or 0,
      count_mode and ("until every pre-signed request is sent, " .. string.format("%.1f s", span))
      or string.format("%.0f s window", window)))
   io.write(string.format("sent            %d (%s/s)\n", sent, per_s(sent)))
   io.write(string.format("acknowledged    %d (202; new %d, duplicate %d)\n", acked, sum("acked_new"),
      sum("acked_dup")))
   io.write(string.format("other statuses  %s\n", #other == 0 and "none" or table.concat(other, " ")))
   io.write(string.format("errors          %d (connect %d, read %d, write %d); answers slower than --timeout %d\n",
      io_errors, e.connect, e.read, e.write, e.timeout))
   io.write(string.format("latency ms      p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  mean %s  (%s)\n",
      fmt(p.p50), fmt(p.p90), fmt(p.p99), fmt(p.p999), fmt(p.max), fmt(p.mean),
      mode == "open" and "from intended send time" or "request written to answer read"))
   if mode == "open" then
      io.write(string.format("late sends      %d (sent > 1 ms after their intended time), never sent %d\n",
         sum("late"), unsent))
   end
   if sum("exhausted") + sum("ran_out") > 0 then
      io.write(string.format("warning: the pre-signed requests ran out before the window ended in %d thread(s)"
         .. " (%d request(s) re-sent after that): sign more (SUPPLY_PER_S)\n", sum("ran_out"), sum("exhausted")))
   end
   local kv = {
      "RESULT mode=" .. mode, "label=" .. label, "sent=" .. sent, "acked=" .. acked,
      "acked_new=" .. sum("acked_new"), "acked_dup=" .. sum("acked_dup"), "non202=" .. non202,
      "statuses=" .. (#other == 0 and "none" or table.concat(other, ",")),
      "errors=" .. io_errors, "timeouts=" .. e.timeout, "unsent=" .. unsent, "late=" .. sum("late"),
      "exhausted=" .. (sum("exhausted") + sum("ran_out")), "unanswered=" .. math.max(sent - sum("answered"), 0),
      "throughput=" .. per_s(acked), "answered_in_window_per_s=" .. per_s(sum("acked_in_window")),
      "p50_ms=" .. fmt(p.p50), "p90_ms=" .. fmt(p.p90), "p99_ms=" .. fmt(p.p99),
      "p999_ms=" .. fmt(p.p999), "max_ms=" .. fmt(p.max), "mean_ms=" .. fmt(p.mean),
      "seconds=" .. string.format("%.1f", secs),
   }
   io.write(table.concat(kv, " "), "\n")
end
