# receive: arrival order, selective receive leaving other messages, after
# (0, a time, :infinity), pins, guards, the receive marker after
# make_ref/0, and flush/0.

send(self(), :first)
#=> :first

send(self(), :second)
#=> :second

receive do
  msg -> msg
end
#=> :first

receive do
  :second -> :got_second
end
#=> :got_second

receive do
  msg -> msg
after
  0 -> :empty
end
#=> :empty

send(self(), {:b, 2})
#=> {:b, 2}

send(self(), {:a, 1})
#=> {:a, 1}

receive do
  {:a, n} -> {:took_a, n}
end
#=> {:took_a, 1}

receive do
  {tag, n} when n > 1 -> {tag, n}
after
  100 -> :timeout
end
#=> {:b, 2}

receive do
  _ -> :never
after
  50 -> :timed_out
end
#=> :timed_out

ref = make_ref()
#=> #Reference<0.343837371.2883846146.174430>

send(self(), {:other, 1})
#=> {:other, 1}

send(self(), {ref, :reply})
#=> {#Reference<0.343837371.2883846146.174430>, :reply}

receive do
  {^ref, answer} -> answer
end
#=> :reply

receive do
  {:other, n} -> n
end
#=> 1

timeout = 10
#=> 10

receive do
  :nothing -> :never
after
  timeout -> {:waited, timeout}
end
#=> {:waited, 10}

send(self(), :x)
#=> :x

send(self(), {:y, [1, 2]})
#=> {:y, [1, 2]}

flush()
#| :x
#| {:y, [1, 2]}
#=> :ok

flush()
#=> :ok

receive do
after
  -1 -> :negative
end
#=> ** (ErlangError) Erlang error: :timeout_value

parent = self()
#=> #PID<0.204.0>

spawn(fn -> send(parent, {:from_child, 42}) end)
#=> #PID<0.205.0>

receive do
  {:from_child, n} -> n
after
  1000 -> :no_child
end
#=> 42

pid = spawn(fn -> receive do {:ping, from} -> send(from, :pong) end end)
#=> #PID<0.206.0>

send(pid, {:ping, self()})
#=> {:ping, #PID<0.204.0>}

receive do
  :pong -> :ponged
after
  1000 -> :lost
end
#=> :ponged

send(self(), :z); receive do: (:z -> :one_liner)
#=> :one_liner
