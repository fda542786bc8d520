# Processes: spawn, send and receive between them, links and exits as
# the console sees them, monitors, registered names.

pid = spawn(fn -> :ok end)
#=> #PID<0.197.0>

Process.alive?(self())
#=> true

parent = self()
#=> #PID<0.196.0>

spawn(fn -> send(parent, {:sum, 1 + 2}) end)
#=> #PID<0.198.0>

receive do
  {:sum, n} -> n
end
#=> 3

{child, ref} = spawn_monitor(fn -> exit(:crashed) end)
#=> {#PID<0.199.0>, #Reference<0.343837371.2883846146.174356>}

receive do
  {:DOWN, ^ref, :process, ^child, reason} -> reason
end
#=> :crashed

Process.register(self(), :console)
#=> true

send(:console, :by_name)
#=> :by_name

receive do
  :by_name -> Process.whereis(:console) == self()
end
#=> true

send(:nobody, :msg)
#=> ** (ArgumentError) errors were found at the given arguments:
#=>
#=>   * 1st argument: invalid destination

spawn(fn -> IO.puts("from a child") end); :ok
#| from a child
#=> :ok

Process.flag(:trap_exit, true)
#=> false

linked = spawn_link(fn -> exit(:bye) end)
#=> #PID<0.201.0>

receive do
  {:EXIT, ^linked, reason} -> {:trapped, reason}
end
#=> {:trapped, :bye}

Process.flag(:trap_exit, false)
#=> true

exit(:normal)
#=> ** (exit) normal

self() == parent
#=> true

Process.exit(self(), :kill)
#| ** (EXIT from #PID<0.196.0>) shell process exited with reason: killed
