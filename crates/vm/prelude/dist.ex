# Distribution as OTP's kernel modules provide it: Node, net_kernel,
# net_adm, erpc and rpc, over the node's spawn requests and monitors.

defmodule Node do
  def self, do: :erlang.node()
  def alive?, do: :erlang.is_alive()
  def list, do: :erlang.nodes()
  def list(which), do: :erlang.nodes(which)
  def connect(node), do: :net_kernel.connect_node(node)
  def disconnect(node), do: :erlang.disconnect_node(node)
  def ping(node), do: :net_adm.ping(node)
  def monitor(node, flag), do: :erlang.monitor_node(node, flag)
  def spawn(node, fun), do: Beamplay.Dist.spawn_fun(node, fun, [])
  def spawn(node, m, f, a), do: Beamplay.Dist.spawn_mfa(node, m, f, a, [])
  def spawn_link(node, fun), do: Beamplay.Dist.spawn_fun(node, fun, [:link])
  def spawn_link(node, m, f, a), do: Beamplay.Dist.spawn_mfa(node, m, f, a, [:link])
  def spawn_monitor(node, fun), do: Beamplay.Dist.spawn_fun(node, fun, [:monitor])
  def spawn_monitor(node, m, f, a), do: Beamplay.Dist.spawn_mfa(node, m, f, a, [:monitor])
end

defmodule Beamplay.Erlang do
  # :erlang.spawn_opt/3,5 with a node (the process natives for
  # :erlang.spawn/2,4 and the others with a node come here)
  def spawn_opt(node, fun, opts), do: spawn_opt(node, :erlang, :apply, [fun, []], opts)

  def spawn_opt(node, m, f, a, opts) when is_list(opts),
    do: Beamplay.Dist.spawn(node, m, f, a, Enum.filter([:link, :monitor], &(&1 in opts)))
end

defmodule Beamplay.Dist do
  # erlang:spawn/2,4 and their link and monitor variants: a local spawn on
  # this node, a spawn request to any other, waited for here
  def spawn(node, m, f, a, opts) when node == node(), do: local(m, f, a, opts)

  # erlang:spawn/2,4's argument errors, every wrong argument named
  def spawn_fun(node, fun, opts) when is_atom(node) and is_function(fun),
    do: spawn(node, :erlang, :apply, [fun, []], opts)

  def spawn_fun(node, fun, _opts) do
    Beamplay.Runtime.badarg([{1, is_atom(node), "not an atom"}, {2, is_function(fun), "not a fun"}])
  end

  def spawn_mfa(node, m, f, a, opts) when is_atom(node) and is_atom(m) and is_atom(f) and is_list(a),
    do: spawn(node, m, f, a, opts)

  def spawn_mfa(node, m, f, a, _opts) do
    Beamplay.Runtime.badarg([
      {1, is_atom(node), "not an atom"},
      {2, is_atom(m), "not an atom"},
      {3, is_atom(f), "not an atom"},
      {4, is_list(a), "not a list"}
    ])
  end

  def spawn(node, m, f, a, opts) do
    ref = Beamplay.Runtime.spawn_request(node, m, f, a, opts)

    receive do
      {:spawn_reply, ^ref, :ok, pid} -> if :monitor in opts, do: {pid, ref}, else: pid
      {:spawn_reply, ^ref, :error, reason} -> crasher(node, m, f, a, opts, reason)
    end
  end

  # the `{ref, reply}` to a request sent to the process `ref` monitors,
  # or `down` if that process goes away first
  def await(ref, down) do
    receive do
      {^ref, reply} ->
        Process.demonitor(ref, [:flush])
        reply

      {:DOWN, ^ref, _, _, _} ->
        down
    end
  end

  # a spawn with a monitor, for erpc: {:ok, pid, ref} or {:error, reason}
  def monitor_spawn(node, m, f, a) when node == node() do
    {pid, ref} = :erlang.spawn_monitor(m, f, a)
    {:ok, pid, ref}
  end

  def monitor_spawn(node, m, f, a) do
    ref = Beamplay.Runtime.spawn_request(node, m, f, a, [:monitor])

    receive do
      {:spawn_reply, ^ref, :ok, pid} -> {:ok, pid, ref}
      {:spawn_reply, ^ref, :error, reason} -> {:error, reason}
    end
  end

  # the stack of an error in an erpc call: the caller's frames only, and an
  # undefined function named with its arguments, as BEAM names it
  def call_stack(:undef, [{m, f, arity, _} | rest], m, f, a) when length(a) == arity,
    do: [{m, f, a, []} | callers(rest)]

  # a fun runs under erpc's apply, whose frame stays below the fun's
  def call_stack(_r, stack, :erlang, :apply, [fun, _]) when is_function(fun),
    do: callers(stack) ++ [{:erlang, :apply, 2, []}]

  # a function that raises at once (a BIF) is the top frame itself
  def call_stack(_r, stack, m, f, a) do
    case callers(stack) do
      [] -> [{m, f, a, []}]
      frames -> frames
    end
  end

  defp callers(stack), do: Enum.reject(stack, &Beamplay.Exception.prelude_frame?/1)

  defp local(:erlang, :apply, [fun, []], opts) when is_function(fun), do: :erlang.spawn_opt(fun, opts)
  defp local(m, f, a, opts), do: :erlang.spawn_opt(m, f, a, opts)

  # what OTP gives when the node cannot be reached: a local process that
  # logs a warning and exits with the reason
  defp crasher(node, m, f, a, opts, reason) do
    how = if opts == [], do: "", else: "(" <> inspect(opts) <> ")"

    text =
      "[warning] ** Can not start " <> inspect(m) <> ":" <> inspect(f) <> "," <> inspect(a) <> how <> " on " <> inspect(node) <> " **"

    local(:erlang, :apply, [fn -> Beamplay.Runtime.log(text); exit(reason) end, []], opts)
  end
end

defmodule :net_kernel do
  def monitor_nodes(flag), do: monitor_nodes(flag, [])

  def monitor_nodes(flag, opts) when is_boolean(flag) do
    case watch_info(opts) do
      {:ok, info} -> Beamplay.Runtime.monitor_nodes(flag, info)
      error -> error
    end
  end

  def monitor_nodes(_flag, _opts), do: :error

  # the options as {form, node_type, nodedown_reason, connection_id}
  defp watch_info([]), do: {:ok, {:plain, nil, false, false}}
  # as net_kernel.erl checks a list: each option it takes out leaves the
  # rest reversed, and connection_id goes only when nothing else is left
  defp watch_info(opts) when is_list(opts) do
    {reason, rest} = take_all(opts, &(&1 == :nodedown_reason))
    {types, rest} = take_all(rest, &match?({:node_type, _}, &1))
    {conn, left} = take_all(rest, &(&1 == :connection_id))
    type =
      case types do
        [{:node_type, t} | _] -> t
        [] -> nil
      end

    cond do
      length(Enum.uniq(types)) > 1 -> {:error, {:option_value_mismatch, Enum.reverse(types)}}
      type not in [nil, :visible, :hidden, :all] -> {:error, {:bad_option_value, {:node_type, type}}}
      left != [] -> {:error, {:unknown_options, rest}}
      true -> {:ok, {:list, type, reason != [], conn != []}}
    end
  end

  defp watch_info(opts) when is_map(opts) do
    known = [:node_type, :nodedown_reason, :connection_id]
    flags = Map.take(opts, [:nodedown_reason, :connection_id])
    type = Map.get(opts, :node_type)

    cond do
      Map.drop(opts, known) != %{} -> {:error, {:unknown_options, Map.drop(opts, known)}}
      type not in [nil, :visible, :hidden, :all] -> {:error, {:bad_option_value, %{node_type: type}}}
      Enum.any?(flags, fn {_, v} -> not is_boolean(v) end) -> {:error, {:bad_option_value, Map.reject(flags, fn {_, v} -> is_boolean(v) end)}}
      true -> {:ok, {:map, type, Map.get(opts, :nodedown_reason, false), Map.get(opts, :connection_id, false)}}
    end
  end

  defp watch_info(opts), do: {:error, {:invalid_options, opts}}

  # the options `pick` takes, and the others: reversed if it took any
  defp take_all(opts, pick) do
    case Enum.split_with(opts, pick) do
      {[], _} -> {[], opts}
      {taken, others} -> {taken, Enum.reverse(others)}
    end
  end

  # a request to this node's net_kernel process, which dials; a node
  # that is not distributed has none
  def connect_node(node) when is_atom(node) do
    if Process.whereis(:net_kernel),
      do: GenServer.call(:net_kernel, {:connect, :normal, node}, :infinity),
      else: :ignored
  end

  # a node that is not distributed has no net_kernel to ask
  def get_net_ticktime do
    if Process.whereis(:net_kernel), do: Beamplay.Runtime.net_ticktime(), else: :ignored
  end

  def set_net_ticktime(t) when is_integer(t), do: set_net_ticktime(t, 60)

  def set_net_ticktime(t, period) when is_integer(t) and t > 0 and is_integer(period) and period >= 0 do
    if Process.whereis(:net_kernel), do: Beamplay.Runtime.set_net_ticktime(t, period), else: :ignored
  end
end

defmodule Beamplay.NetKernel do
  # A node's :net_kernel: it dials for connect_node and answers each
  # caller when the connection is up or has failed; peers ask it whether
  # this node talks to them (net_adm:ping's is_auth)
  def start, do: loop(%{})

  defp loop(pending) do
    receive do
      {:"$gen_call", from, {:connect, :normal, node}} ->
        case Beamplay.Runtime.dist_connect(node) do
          :wait ->
            loop(Map.update(pending, node, [from], &[from | &1]))

          now ->
            GenServer.reply(from, now)
            loop(pending)
        end

      {:"$beamplay_connect", node, up} ->
        Enum.each(Enum.reverse(Map.get(pending, node, [])), &GenServer.reply(&1, up))
        loop(Map.delete(pending, node))

      {:"$net_kernel", {pid, ref}, {:is_auth, _node}} ->
        Kernel.send(pid, {ref, :yes})
        loop(pending)

      _other ->
        loop(pending)
    end
  end
end

defmodule Beamplay.Rex do
  # A node's :rex, rpc's server of old: {:call, m, f, a, group_leader}
  # and {:cast, ...} requests run in a process of their own
  def start, do: loop()

  defp loop do
    receive do
      {:"$gen_call", from, {:call, m, f, a, gl}} ->
        spawn(fn ->
          Process.group_leader(self(), gl)
          GenServer.reply(from, execute(m, f, a))
        end)

      # run by rex itself, which lends it the caller's group leader
      {:"$gen_call", from, {:block_call, m, f, a, gl}} ->
        own = Process.group_leader()
        Process.group_leader(self(), gl)
        reply = execute(m, f, a)
        Process.group_leader(self(), own)
        GenServer.reply(from, reply)

      {:"$gen_cast", {:cast, m, f, a, gl}} ->
        spawn(fn ->
          Process.group_leader(self(), gl)
          apply(m, f, a)
        end)

      _other ->
        :ok
    end

    loop()
  end

  defp execute(m, f, a) do
    try do
      apply(m, f, a)
    catch
      :throw, t -> t
      :exit, r -> {:badrpc, {:EXIT, r}}
      :error, r -> {:badrpc, {:EXIT, {r, __STACKTRACE__}}}
    end
  end
end

defmodule :net_adm do
  # net_adm.erl: a call to the peer's net_kernel, which connects first
  def ping(node) when is_atom(node) do
    with true <- :net_kernel.connect_node(node),
         :yes <- is_auth(node) do
      :pong
    else
      _ -> :pang
    end
  end

  defp is_auth(node) do
    ref = Process.monitor({:net_kernel, node})
    Kernel.send({:net_kernel, node}, {:"$net_kernel", {self(), ref}, {:is_auth, node()}})
    Beamplay.Dist.await(ref, :no)
  end

  # the nodes of this host, newest first, as epmd lists them
  def names, do: {:ok, Beamplay.Runtime.epmd_names()}
  def localhost, do: ~c"localhost"
end

defmodule :erpc do
  # erpc.erl of OTP 25: a monitored spawn on the node, whose exit reason
  # carries the result back
  def call(node, fun), do: call(node, fun, :infinity)
  def call(node, fun, timeout) when is_function(fun, 0), do: call(node, :erlang, :apply, [fun, []], timeout)
  def call(_node, _fun, _timeout), do: :erlang.error({:erpc, :badarg})
  def call(node, m, f, a), do: call(node, m, f, a, :infinity)

  def call(node, m, f, a, timeout) do
    ref = :erlang.make_ref()

    case Beamplay.Dist.monitor_spawn(node, :erpc, :execute_call, [ref, m, f, a]) do
      {:error, reason} ->
        :erlang.error({:erpc, reason})

      {:ok, pid, mref} ->
        receive do
          {:DOWN, ^mref, :process, ^pid, {^ref, :return, v}} -> v
          {:DOWN, ^mref, :process, ^pid, {^ref, :throw, t}} -> throw(t)
          {:DOWN, ^mref, :process, ^pid, {^ref, :exit, r}} -> exit({:exception, r})
          {:DOWN, ^mref, :process, ^pid, {^ref, :error, r, s}} -> :erlang.error({:exception, r, s})
          {:DOWN, ^mref, :process, ^pid, :noconnection} -> :erlang.error({:erpc, :noconnection})
          {:DOWN, ^mref, :process, ^pid, other} -> exit({:exception, other})
        after
          timeout ->
            Process.demonitor(mref, [:flush])
            :erlang.error({:erpc, :timeout})
        end
    end
  end

  def execute_call(ref, m, f, a) do
    reason =
      try do
        {ref, :return, apply(m, f, a)}
      catch
        :throw, t -> {ref, :throw, t}
        :exit, r -> {ref, :exit, r}
        :error, r -> {ref, :error, r, Beamplay.Dist.call_stack(r, __STACKTRACE__, m, f, a)}
      end

    exit(reason)
  end

  def cast(node, fun), do: cast(node, :erlang, :apply, [fun, []])

  def cast(node, m, f, a) do
    if node == node(),
      do: :erlang.spawn(m, f, a),
      else: Beamplay.Runtime.spawn_request(node, m, f, a, [:noreply])

    :ok
  end

  def multicall(nodes, fun), do: multicall(nodes, :erlang, :apply, [fun, []], :infinity)
  def multicall(nodes, fun, timeout), do: multicall(nodes, :erlang, :apply, [fun, []], timeout)
  def multicall(nodes, m, f, a), do: multicall(nodes, m, f, a, :infinity)

  def multicall(nodes, m, f, a, timeout) do
    Enum.map(nodes, fn n ->
      try do
        {:ok, call(n, m, f, a, timeout)}
      catch
        kind, r -> {kind, r}
      end
    end)
  end
end

defmodule :rpc do
  # rpc.erl of OTP 25: erpc, its raises turned into {:badrpc, ...} values
  def call(node, m, f, a), do: call(node, m, f, a, :infinity)

  def call(node, m, f, a, timeout) do
    try do
      case :erpc.call(node, m, f, a, timeout) do
        {:EXIT, _} = e -> {:badrpc, e}
        v -> v
      end
    catch
      :throw, t -> t
      :exit, {:exception, r} -> {:badrpc, {:EXIT, r}}
      :error, {:exception, r, s} -> {:badrpc, {:EXIT, {r, s}}}
      :error, {:erpc, :timeout} -> {:badrpc, :timeout}
      :error, {:erpc, _} -> {:badrpc, :nodedown}
    end
  end

  def block_call(node, m, f, a), do: call(node, m, f, a)
  def block_call(node, m, f, a, timeout), do: call(node, m, f, a, timeout)

  def cast(node, m, f, a) do
    :erpc.cast(node, m, f, a)
    true
  end

  def multicall(m, f, a), do: multicall([node() | Node.list()], m, f, a, :infinity)
  def multicall(nodes, m, f, a) when is_list(nodes), do: multicall(nodes, m, f, a, :infinity)
  def multicall(m, f, a, timeout), do: multicall([node() | Node.list()], m, f, a, timeout)

  def multicall(nodes, m, f, a, timeout) do
    {good, bad} =
      Enum.reduce(nodes, {[], []}, fn n, {good, bad} ->
        case call(n, m, f, a, timeout) do
          {:badrpc, reason} when reason in [:nodedown, :timeout] -> {good, [n | bad]}
          v -> {[v | good], bad}
        end
      end)

    {Enum.reverse(good), Enum.reverse(bad)}
  end
end

defmodule :global do
  # global.erl's interface; the names and locks live in every node's
  # :global_name_server (Beamplay.Global), which keep each other in step
  def register_name(name, pid) when is_pid(pid), do: register_name(name, pid, &:global.random_exit_name/3)

  def register_name(name, pid, method) when is_pid(pid) and is_function(method, 3),
    do: registrar({:register, name, pid, method})

  def re_register_name(name, pid) when is_pid(pid), do: re_register_name(name, pid, &:global.random_exit_name/3)

  def re_register_name(name, pid, method) when is_pid(pid), do: registrar({:re_register, name, pid, method})

  def unregister_name(name), do: registrar({:unregister, name})
  def whereis_name(name), do: Beamplay.Global.call(node(), {:whereis, name})
  def registered_names, do: Beamplay.Global.call(node(), :names)
  def sync, do: :ok

  def send(name, msg) do
    case whereis_name(name) do
      pid when is_pid(pid) ->
        Kernel.send(pid, msg)
        pid

      :undefined ->
        exit({:badarg, {name, msg}})
    end
  end

  # despite the names, global.erl keeps the pid of the lower node
  def random_exit_name(name, pid1, pid2) do
    {keep, kill} = minmax(pid1, pid2)
    Beamplay.Runtime.log("[info] global: Name conflict terminating " <> inspect({name, kill}))
    Process.exit(kill, :kill)
    keep
  end

  def random_notify_name(name, pid1, pid2) do
    {keep, other} = minmax(pid1, pid2)
    Kernel.send(other, {:global_name_conflict, name})
    keep
  end

  defp minmax(pid1, pid2), do: if(node(pid1) < node(pid2), do: {pid1, pid2}, else: {pid2, pid1})

  def notify_all_name(name, pid1, pid2) do
    Kernel.send(pid1, {:global_name_conflict, name, pid2})
    Kernel.send(pid2, {:global_name_conflict, name, pid1})
    :none
  end

  def set_lock(id), do: set_lock(id, [node() | Node.list()], :infinity)
  def set_lock(id, nodes), do: set_lock(id, nodes, :infinity)
  def set_lock({_resource, _requester} = id, nodes, retries), do: lock(id, nodes, retries, 0)

  def del_lock(id), do: del_lock(id, [node() | Node.list()])

  def del_lock({_resource, _requester} = id, nodes) do
    Beamplay.Global.multi_call(nodes, {:unlock, id, self()})
    true
  end

  def trans(id, fun), do: trans(id, fun, [node() | Node.list()], :infinity)
  def trans(id, fun, nodes), do: trans(id, fun, nodes, :infinity)

  def trans(id, fun, nodes, retries) do
    if set_lock(id, nodes, retries) do
      try do
        fun.()
      after
        del_lock(id, nodes)
      end
    else
      :aborted
    end
  end

  # global.erl's registrar: a change of the names is made under the lock
  # {:global, registrar} on every known node, so that two nodes
  # registering one name at the same instant cannot both succeed
  defp registrar(req) do
    nodes = [node() | Node.list()]
    trans({:global, self()}, fn -> Beamplay.Global.call(node(), req) end, nodes)
  end

  # every node grants the lock at once (a multi_call, as global.erl's
  # set_lock_on_nodes), or none keeps it and the caller retries after
  # global.erl's random sleep
  defp lock(id, nodes, retries, times) do
    granted = for {n, reply} <- Beamplay.Global.multi_call(nodes, {:lock, id, self()}), reply != false, do: n

    cond do
      length(granted) == length(nodes) ->
        if times > 0, do: waiting(id, false)
        true

      retries != :infinity and times >= retries ->
        del_lock(id, granted)
        if times > 0, do: waiting(id, false)
        false

      true ->
        del_lock(id, granted)
        tmax = if times > 5, do: 8000, else: div(:erlang.bsl(1, times) * 1000, 8)
        sleep = :rand.uniform(tmax)
        waiting(id, {times + 1, sleep})

        receive do
        after
          sleep -> :ok
        end

        lock(id, nodes, retries, times + 1)
    end
  end

  # for the UI: this process has tried `attempts` times and tries again
  # in `sleep` ms ({attempts, sleep}), or no longer waits (false)
  defp waiting({resource, _}, state), do: Beamplay.Runtime.note({:lock_waiting, resource, self(), state})
end

defmodule Beamplay.Global do
  # A node's :global_name_server: its copy of the global names (name =>
  # {pid, resolve}) and locks (resource => {requester, pids}). It watches
  # every owner and holder; 200 ms after a node comes up it sends that
  # node its names and peers, which makes the mesh full (connect_all).
  def start do
    :net_kernel.monitor_nodes(true)
    loop(%{names: %{}, owners: %{}, locks: %{}, dropping: [], watched: %{}, known: []})
  end

  # a request to the server on `node`; a node that is gone answers :down
  def call(node, req), do: answer(ask(node, req))

  # the same request to the servers of `nodes` at once: [{node, reply}]
  def multi_call(nodes, req) do
    asked = Enum.map(nodes, &ask(&1, req))
    Enum.zip(nodes, Enum.map(asked, &answer/1))
  end

  defp ask(node, req) do
    server = {:global_name_server, node}
    ref = Process.monitor(server)
    Kernel.send(server, {:"$global_call", self(), ref, req})
    ref
  end

  defp answer(ref), do: Beamplay.Dist.await(ref, :down)

  defp loop(s) do
    receive do
      {:"$global_call", from, ref, req} ->
        {reply, s} = handle(req, from, s)
        Kernel.send(from, {ref, reply})
        loop(s)

      {:insert, name, pid, method} ->
        loop(insert(s, name, pid, method))

      {:delete, name, pid} ->
        case s.names do
          %{^name => {^pid, _}} -> loop(drop(s, name))
          _ -> loop(s)
        end

      {:nodeup, node} ->
        Process.send_after(self(), {:sync_with, node}, 200)
        loop(s)

      # prevent_overlapping_partitions (OTP 25's default): a connection
      # lost without global deciding it makes every peer that still sees
      # the lost node ask that node to drop it
      {:nodedown, node} ->
        s = %{s | known: List.delete(s.known, node)}

        if node in s.dropping do
          loop(%{s | dropping: List.delete(s.dropping, node)})
        else
          broadcast({:lost_connection, node(), node})
          loop(s)
        end

      {:lost_connection, _from, lost} ->
        if lost in Node.list() do
          Beamplay.Runtime.log("[warning] 'global' at node " <> inspect(node()) <> " requested disconnect from node " <> inspect(lost) <> " in order to prevent overlapping partitions")
          Kernel.send({:global_name_server, lost}, {:remove_connection, node()})
          loop(%{s | dropping: [lost | s.dropping]})
        else
          loop(s)
        end

      {:remove_connection, node} ->
        if node in Node.list() do
          Beamplay.Runtime.log("[warning] 'global' at node " <> inspect(node()) <> " disconnected node " <> inspect(node) <> " in order to prevent overlapping partitions")
          :erlang.disconnect_node(node)
          loop(%{s | dropping: [node | s.dropping]})
        else
          loop(s)
        end

      {:sync_with, node} ->
        if node in Node.list(), do: Kernel.send({:global_name_server, node}, {:sync, node(), s.known, s.names})
        loop(s)

      # the nodes a peer has synced with, not merely connected to, are
      # the ones it makes this node connect to, as global's known nodes
      # (a node newly synced with is announced to the others, as global's
      # new_nodes, so that nodes that joined at the same time meet)
      {:sync, from, peers, names} ->
        connect_all(peers)

        s =
          if from in s.known do
            s
          else
            Enum.each(s.known, &Kernel.send({:global_name_server, &1}, {:new_nodes, [from]}))
            %{s | known: [from | s.known]}
          end

        loop(Enum.reduce(names, s, fn {name, {pid, method}}, s -> merge(s, from, name, pid, method) end))

      {:new_nodes, nodes} ->
        connect_all(nodes)
        loop(s)

      {:DOWN, _ref, :process, pid, _reason} ->
        s = %{s | watched: Map.delete(s.watched, pid)}
        s = Enum.reduce(Map.get(s.owners, pid, []), s, &drop(&2, &1))
        loop(Enum.reduce(s.locks, s, fn {r, {req, pids}}, s -> set_lock(s, r, req, List.delete(pids, pid)) end))

      _other ->
        loop(s)
    end
  end

  defp handle({:register, name, pid, method}, _from, s) do
    owned = Map.get(s.owners, pid, [])

    cond do
      Map.has_key?(s.names, name) ->
        {:no, s}

      owned != [] ->
        Beamplay.Runtime.log("[error] global: " <> inspect(pid) <> " registered under several names: " <> inspect([name | owned]))
        {:no, s}

      true ->
        broadcast({:insert, name, pid, method})
        {:yes, insert(s, name, pid, method)}
    end
  end

  defp handle({:re_register, name, pid, method}, _from, s) do
    broadcast({:insert, name, pid, method})
    {:yes, insert(s, name, pid, method)}
  end

  defp handle({:unregister, name}, _from, s) do
    case s.names do
      %{^name => {pid, _}} ->
        broadcast({:delete, name, pid})
        {:ok, drop(s, name)}

      _ ->
        {:ok, s}
    end
  end

  defp handle({:whereis, name}, _from, s) do
    case s.names do
      %{^name => {pid, _}} -> {pid, s}
      _ -> {:undefined, s}
    end
  end

  defp handle(:names, _from, s), do: {Map.keys(s.names), s}

  defp handle({:lock, {resource, requester}, pid}, _from, s) do
    case s.locks do
      %{^resource => {^requester, pids}} ->
        {true, set_lock(watch(s, pid), resource, requester, Enum.uniq([pid | pids]))}

      %{^resource => _} ->
        {false, s}

      _ ->
        {true, set_lock(watch(s, pid), resource, requester, [pid])}
    end
  end

  defp handle({:unlock, {resource, requester}, pid}, _from, s) do
    case s.locks do
      %{^resource => {^requester, pids}} -> {true, set_lock(s, resource, requester, List.delete(pids, pid))}
      _ -> {true, s}
    end
  end

  # every change of a name or a lock goes through these three, which
  # also tell the node's service view (trace.rs)
  defp insert(s, name, pid, method) do
    s = if Map.has_key?(s.names, name), do: drop(s, name), else: s
    s = watch(s, pid)
    Beamplay.Runtime.note({:global_name, name, pid})
    %{s | names: Map.put(s.names, name, {pid, method}), owners: Map.update(s.owners, pid, [name], &[name | &1])}
  end

  # one monitor per owner or holder, however many names and locks it has
  defp watch(s, pid) do
    if Map.has_key?(s.watched, pid), do: s, else: %{s | watched: Map.put(s.watched, pid, Process.monitor(pid))}
  end

  defp drop(s, name) do
    {pid, _} = Map.fetch!(s.names, name)
    Beamplay.Runtime.note({:global_name, name, nil})
    owners = case List.delete(Map.fetch!(s.owners, pid), name) do
      [] -> Map.delete(s.owners, pid)
      names -> Map.put(s.owners, pid, names)
    end
    %{s | names: Map.delete(s.names, name), owners: owners}
  end

  defp set_lock(s, resource, requester, pids) do
    if pids == [] and not Map.has_key?(s.locks, resource) do
      s
    else
      Beamplay.Runtime.note({:global_lock, resource, requester, pids})
      if pids == [], do: %{s | locks: Map.delete(s.locks, resource)}, else: %{s | locks: Map.put(s.locks, resource, {requester, pids})}
    end
  end

  # a name from a node that was in another partition: a clash is resolved
  # on the node with the smaller name, which tells the other the winner
  defp merge(s, from, name, pid, method) do
    case s.names do
      %{^name => {^pid, _}} ->
        s

      %{^name => {mine, mine_method}} when node() < from ->
        winner =
          try do
            mine_method.(name, mine, pid)
          catch
            _, _ -> :none
          end

        if winner == mine or winner == pid do
          Kernel.send({:global_name_server, from}, {:insert, name, winner, mine_method})
          insert(s, name, winner, mine_method)
        else
          Kernel.send({:global_name_server, from}, {:delete, name, pid})
          drop(s, name)
        end

      %{^name => _} ->
        s

      _ ->
        insert(s, name, pid, method)
    end
  end

  defp connect_all(nodes), do: Enum.each(nodes -- [node() | Node.list()], &Beamplay.Runtime.dist_connect/1)

  defp broadcast(msg), do: Enum.each(Node.list(), fn n -> Kernel.send({:global_name_server, n}, msg) end)
end
