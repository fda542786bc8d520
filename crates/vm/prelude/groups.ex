# Process groups: :pg (OTP 23+) and :pg2 (as OTP 23 had it).

defmodule :pg do
  # A scope is a gen_server registered under its name. Its state stands in
  # for pg's ETS table: groups is %{group => {all, local}}, kept in the
  # same order as pg.erl keeps it (newest joins first). Peers are the same
  # scope on other nodes, found by discover on nodeup; each one's groups
  # are kept so its DOWN (:noconnection included) removes them.
  def start_link, do: start_link(:pg)
  def start_link(scope) when is_atom(scope), do: :gen_server.start_link({:local, scope}, :pg, [scope], [])
  def start(scope) when is_atom(scope), do: :gen_server.start({:local, scope}, :pg, [scope], [])

  def join(group, pids), do: join(:pg, group, pids)

  def join(scope, group, pids) when is_pid(pids) or is_list(pids) do
    :ok = ensure_local(pids)
    :gen_server.call(scope, {:join_local, group, pids}, :infinity)
  end

  def leave(group, pids), do: leave(:pg, group, pids)

  def leave(scope, group, pids) when is_pid(pids) or is_list(pids) do
    :ok = ensure_local(pids)
    :gen_server.call(scope, {:leave_local, group, pids}, :infinity)
  end

  def monitor_scope, do: monitor_scope(:pg)
  def monitor_scope(scope), do: :gen_server.call(scope, :monitor, :infinity)
  def monitor(group), do: monitor(:pg, group)
  def monitor(scope, group), do: :gen_server.call(scope, {:monitor, group}, :infinity)
  def demonitor(ref), do: demonitor(:pg, ref)

  def demonitor(scope, ref) do
    :gen_server.call(scope, {:demonitor, ref}, :infinity) == :ok and flush(ref)
  end

  def get_members(group), do: get_members(:pg, group)
  def get_members(scope, group), do: read(scope, {:members, group, 0}, [])
  def get_local_members(group), do: get_local_members(:pg, group)
  def get_local_members(scope, group), do: read(scope, {:members, group, 1}, [])
  def which_groups, do: which_groups(:pg)
  def which_groups(scope) when is_atom(scope), do: read(scope, :which_groups, :no_table)
  def which_local_groups, do: which_local_groups(:pg)
  def which_local_groups(scope) when is_atom(scope), do: read(scope, :which_local_groups, :no_table)

  # what pg reads from its ETS table: a call to the scope here, with
  # ETS's answer when there is no table
  defp read(scope, req, missing) do
    case Process.whereis(scope) do
      nil when missing == :no_table ->
        raise ArgumentError,
              "errors were found at the given arguments:\n\n  * 1st argument: the table identifier does not refer to an existing ETS table\n"

      nil ->
        missing

      pid ->
        :gen_server.call(pid, {:read, req}, :infinity)
    end
  end

  defp ensure_local(pid) when is_pid(pid) and node(pid) == node(), do: :ok

  defp ensure_local(pids) when is_list(pids) do
    Enum.each(pids, fn
      pid when is_pid(pid) and node(pid) == node() -> :ok
      bad -> :erlang.error({:nolocal, bad})
    end)
  end

  defp ensure_local(bad), do: :erlang.error({:nolocal, bad})

  defp flush(ref) do
    receive do
      {^ref, verb, _group, _pids} when verb in [:join, :leave] -> flush(ref)
    after
      0 -> :ok
    end
  end

  # the scope process

  def init([scope]) do
    :ok = :net_kernel.monitor_nodes(true)
    Enum.each(Node.list(), fn n -> Process.send({scope, n}, {:discover, self()}, [:noconnect]) end)
    {:ok, %{scope: scope, groups: %{}, local: %{}, remote: %{}, scope_monitors: %{}, group_monitors: %{}}}
  end

  def handle_call({:join_local, group, pids}, _from, s) do
    local = Enum.reduce(List.wrap(pids), s.local, &join_local(&1, group, &2))
    s = update(s, :join, group, pids, true)
    broadcast(s, {:join, self(), group, pids})
    {:reply, :ok, %{s | local: local}}
  end

  def handle_call({:leave_local, group, pids}, _from, s) do
    case Enum.reduce(List.wrap(pids), s.local, &leave_local(&1, group, &2)) do
      local when local == s.local ->
        {:reply, :not_joined, s}

      local ->
        s = update(s, :leave, group, pids, true)
        broadcast(s, {:leave, self(), pids, [group]})
        {:reply, :ok, %{s | local: local}}
    end
  end

  def handle_call(:monitor, {pid, _}, s) do
    ref = Process.monitor(pid)
    groups = for {g, {all, _}} <- s.groups, into: %{}, do: {g, all}
    {:reply, {ref, groups}, %{s | scope_monitors: Map.put(s.scope_monitors, ref, pid)}}
  end

  def handle_call({:monitor, group}, {pid, _}, s) do
    ref = Process.monitor(pid)
    {:reply, {ref, members(s, group, 0)}, %{s | group_monitors: Map.put(s.group_monitors, ref, {pid, group})}}
  end

  def handle_call({:demonitor, ref}, _from, s) do
    cond do
      Map.has_key?(s.scope_monitors, ref) ->
        Process.demonitor(ref)
        {:reply, :ok, %{s | scope_monitors: Map.delete(s.scope_monitors, ref)}}

      Map.has_key?(s.group_monitors, ref) ->
        Process.demonitor(ref)
        {:reply, :ok, %{s | group_monitors: Map.delete(s.group_monitors, ref)}}

      true ->
        {:reply, false, s}
    end
  end

  def handle_call({:read, {:members, group, at}}, _from, s), do: {:reply, members(s, group, at), s}
  def handle_call({:read, :which_groups}, _from, s), do: {:reply, Map.keys(s.groups), s}

  def handle_call({:read, :which_local_groups}, _from, s),
    do: {:reply, for({g, {_, local}} <- s.groups, local != [], do: g), s}

  def handle_cast({:sync, peer, groups}, s), do: {:noreply, sync(s, peer, groups)}

  def handle_info({:join, peer, group, pids}, s) do
    case s.remote do
      %{^peer => {ref, known}} ->
        known = Map.update(known, group, List.wrap(pids), &(List.wrap(pids) ++ &1))
        s = update(s, :join, group, pids, false)
        {:noreply, %{s | remote: Map.put(s.remote, peer, {ref, known})}}

      _ ->
        {:noreply, s}
    end
  end

  def handle_info({:leave, peer, pids, groups}, s) do
    case s.remote do
      %{^peer => {ref, known}} ->
        s = Enum.reduce(groups, s, &update(&2, :leave, &1, pids, false))
        known = Enum.reduce(groups, known, &forget(&2, &1, List.wrap(pids)))
        {:noreply, %{s | remote: Map.put(s.remote, peer, {ref, known})}}

      _ ->
        {:noreply, s}
    end
  end

  def handle_info({:discover, peer}, s) do
    GenServer.cast(peer, {:sync, self(), local_groups(s.local)})

    if Map.has_key?(s.remote, peer) do
      {:noreply, s}
    else
      ref = Process.monitor(peer)
      Process.send(peer, {:discover, self()}, [:noconnect])
      {:noreply, %{s | remote: Map.put(s.remote, peer, {ref, %{}})}}
    end
  end

  def handle_info({:DOWN, ref, :process, pid, _}, s) do
    cond do
      Map.has_key?(s.scope_monitors, ref) ->
        {:noreply, %{s | scope_monitors: Map.delete(s.scope_monitors, ref)}}

      Map.has_key?(s.group_monitors, ref) ->
        {:noreply, %{s | group_monitors: Map.delete(s.group_monitors, ref)}}

      node(pid) == node() ->
        case Map.pop(s.local, pid) do
          {{^ref, groups}, local} ->
            s = Enum.reduce(groups, %{s | local: local}, &update(&2, :leave, &1, pid, true))
            broadcast(s, {:leave, self(), pid, groups})
            {:noreply, s}

          _ ->
            {:noreply, s}
        end

      true ->
        case Map.pop(s.remote, pid) do
          {{^ref, known}, remote} ->
            s = Enum.reduce(known, %{s | remote: remote}, fn {g, pids}, s -> update(s, :leave, g, pids, false) end)
            {:noreply, s}

          _ ->
            {:noreply, s}
        end
    end
  end

  def handle_info({:nodeup, n}, s) do
    if n != node(), do: Process.send({s.scope, n}, {:discover, self()}, [:noconnect])
    {:noreply, s}
  end

  def handle_info({:nodedown, _}, s), do: {:noreply, s}

  def terminate(_reason, _s), do: true

  defp members(s, group, at) do
    case s.groups do
      %{^group => pair} -> elem(pair, at)
      _ -> []
    end
  end

  defp join_local(pid, group, local) do
    case local do
      %{^pid => {ref, groups}} -> Map.put(local, pid, {ref, [group | groups]})
      _ -> Map.put(local, pid, {Process.monitor(pid), [group]})
    end
  end

  defp leave_local(pid, group, local) do
    case local do
      %{^pid => {ref, [^group]}} ->
        Process.demonitor(ref)
        Map.delete(local, pid)

      %{^pid => {ref, groups}} ->
        if group in groups, do: Map.put(local, pid, {ref, List.delete(groups, group)}), else: local

      _ ->
        local
    end
  end

  # pg.erl's *_update_ets: a single pid goes on the front or is deleted
  # once; a list is prepended or subtracted; an emptied group is gone
  defp update(s, :join, group, pids, local?) do
    new = List.wrap(pids)
    {all, local} = Map.get(s.groups, group, {[], []})
    local = if local?, do: new ++ local, else: local
    notify(s, :join, group, new)
    put_group(s, group, {new ++ all, local})
  end

  defp update(s, :leave, group, pids, local?) do
    case s.groups do
      %{^group => {all, local}} ->
        gone = List.wrap(pids)
        all = all -- gone
        local = if local?, do: local -- gone, else: local
        notify(s, :leave, group, gone)

        put_group(s, group, {all, local})

      _ ->
        s
    end
  end

  # every change of a group goes through here, which also tells the
  # node's service view (trace.rs); an emptied group is gone
  defp put_group(s, group, {all, local}) do
    Beamplay.Runtime.note({:pg, s.scope, self(), group, all})

    if all == [] and local == [],
      do: %{s | groups: Map.delete(s.groups, group)},
      else: %{s | groups: Map.put(s.groups, group, {all, local})}
  end

  # a peer's full local membership replaces what was known from it
  defp sync(s, peer, groups) do
    {ref, known} =
      case s.remote do
        %{^peer => entry} -> entry
        _ -> {Process.monitor(peer), %{}}
      end

    {s, left} =
      Enum.reduce(groups, {s, known}, fn {g, pids}, {s, left} ->
        case Map.pop(left, g) do
          {^pids, left} ->
            {s, left}

          {nil, left} ->
            {update(s, :join, g, pids, false), left}

          {old, left} ->
            {all, local} = s.groups[g]
            {put_group(s, g, {pids ++ (all -- old), local}), left}
        end
      end)

    s = Enum.reduce(left, s, fn {g, pids}, s -> update(s, :leave, g, pids, false) end)
    %{s | remote: Map.put(s.remote, peer, {ref, Map.new(groups)})}
  end

  defp forget(known, group, pids) do
    case Map.get(known, group, []) -- pids do
      [] -> Map.delete(known, group)
      rest -> Map.put(known, group, rest)
    end
  end

  defp local_groups(local) do
    Enum.reduce(local, %{}, fn {pid, {_ref, groups}}, acc ->
      Enum.reduce(groups, acc, fn g, acc -> Map.update(acc, g, [pid], &[pid | &1]) end)
    end)
    |> Map.to_list()
  end

  defp notify(s, action, group, pids) do
    Enum.each(s.scope_monitors, fn {ref, pid} -> Kernel.send(pid, {ref, action, group, pids}) end)
    for {ref, {pid, ^group}} <- s.group_monitors, do: Kernel.send(pid, {ref, action, group, pids})
  end

  defp broadcast(s, msg), do: Enum.each(Map.keys(s.remote), &Process.send(&1, msg, [:noconnect]))
end

defmodule :pg2 do
  # pg2 as OTP 23 had it (removed in OTP 24): a gen_server registered as
  # :pg2 on every node, started on a node's first pg2 call and linked to
  # nobody. Changes take the global lock {{:pg2, name}, self()} and are
  # multi_called to the pg2 of every connected node; reads are local.
  # groups is %{name => %{pid => times joined}}; every pg2 monitors every
  # member, so members of a node that goes down leave, but groups stay.
  def start, do: ensure_started()
  def start_link, do: :gen_server.start_link({:local, :pg2}, :pg2, [], [])

  def create(name) do
    if not read({:exists, name}), do: change(name, {:create, name})
    :ok
  end

  def delete(name) do
    _ = ensure_started()
    change(name, {:delete, name})
    :ok
  end

  def join(name, pid) when is_pid(pid), do: if_exists(name, {:join, name, pid})
  def leave(name, pid) when is_pid(pid), do: if_exists(name, {:leave, name, pid})

  def get_members(name), do: read({:members, name})
  def get_local_members(name), do: read({:local_members, name})
  def which_groups, do: read(:which_groups)

  def get_closest_pid(name) do
    case get_local_members(name) do
      [pid] ->
        pid

      [] ->
        case get_members(name) do
          [] -> {:error, {:no_process, name}}
          members when is_list(members) -> Enum.random(members)
          error -> error
        end

      members when is_list(members) ->
        Enum.random(members)

      error ->
        error
    end
  end

  defp if_exists(name, req) do
    if read({:exists, name}) do
      change(name, req)
      :ok
    else
      {:error, {:no_such_group, name}}
    end
  end

  defp change(name, req), do: :global.trans({{:pg2, name}, self()}, fn -> :gen_server.multi_call(:pg2, req) end)

  # every call starts pg2 on this node if it does not run yet
  defp read(req) do
    _ = ensure_started()
    :gen_server.call(:pg2, {:read, req}, :infinity)
  end

  defp ensure_started do
    case Process.whereis(:pg2) do
      nil ->
        case :gen_server.start({:local, :pg2}, :pg2, [], []) do
          {:error, {:already_started, pid}} -> {:ok, pid}
          other -> other
        end

      pid ->
        {:ok, pid}
    end
  end

  # the server

  def init([]) do
    :ok = :net_kernel.monitor_nodes(true)

    Enum.each(Node.list(), fn n ->
      Kernel.send({:pg2, n}, {:new_pg2, node()})
      Kernel.send(self(), {:nodeup, n})
    end)

    {:ok, %{groups: %{}, monitors: %{}}}
  end

  def handle_call({:create, name}, _from, s), do: {:reply, :ok, assure_group(s, name)}

  def handle_call({:join, name, pid}, _from, s) do
    if Map.has_key?(s.groups, name), do: {:reply, :ok, join_group(s, name, pid)}, else: {:reply, :ok, s}
  end

  def handle_call({:leave, name, pid}, _from, s) do
    if Map.has_key?(s.groups, name), do: {:reply, :ok, leave_group(s, name, pid)}, else: {:reply, :ok, s}
  end

  def handle_call({:delete, name}, _from, s) do
    s = Enum.reduce(members(s, name), s, &leave_group(&2, name, &1))
    Beamplay.Runtime.note({:pg2, self(), name, :deleted})
    {:reply, :ok, %{s | groups: Map.delete(s.groups, name)}}
  end

  def handle_call({:read, {:exists, name}}, _from, s), do: {:reply, Map.has_key?(s.groups, name), s}
  def handle_call({:read, :which_groups}, _from, s), do: {:reply, Enum.sort(Map.keys(s.groups)), s}

  def handle_call({:read, {kind, name}}, _from, s) do
    cond do
      not Map.has_key?(s.groups, name) -> {:reply, {:error, {:no_such_group, name}}, s}
      kind == :members -> {:reply, members(s, name), s}
      true -> {:reply, Enum.filter(Enum.uniq(members(s, name)), &(node(&1) == node())), s}
    end
  end

  def handle_cast({:exchange, _node, list}, s) do
    s =
      Enum.reduce(list, s, fn [name, pids], s ->
        s = assure_group(s, name)
        Enum.reduce(pids -- members(s, name), s, &join_group(&2, name, &1))
      end)

    {:noreply, s}
  end

  def handle_info({:DOWN, ref, :process, pid, _}, s) do
    case s.monitors do
      %{^pid => {^ref, _}} ->
        s =
          Enum.reduce(s.groups, s, fn {name, counts}, s ->
            Enum.reduce(List.duplicate(pid, Map.get(counts, pid, 0)), s, &leave_group(&2, name, &1))
          end)

        {:noreply, s}

      _ ->
        {:noreply, s}
    end
  end

  def handle_info({:nodeup, n}, s) do
    all = for name <- Enum.sort(Map.keys(s.groups)), do: [name, members(s, name)]
    GenServer.cast({:pg2, n}, {:exchange, node(), all})
    {:noreply, s}
  end

  def handle_info({:new_pg2, n}, s), do: handle_info({:nodeup, n}, s)
  def handle_info(_msg, s), do: {:noreply, s}

  def terminate(_reason, _s), do: :ok

  defp assure_group(s, name) do
    if Map.has_key?(s.groups, name), do: s, else: put_counts(s, name, %{})
  end

  # every change of a group goes through here, which also tells the
  # node's service view (trace.rs)
  defp put_counts(s, name, counts) do
    s = %{s | groups: Map.put(s.groups, name, counts)}
    Beamplay.Runtime.note({:pg2, self(), name, members(s, name)})
    s
  end

  # in pid order, a pid once per join, as pg2's ordered_set table lists them
  defp members(s, name) do
    counts = Map.get(s.groups, name, %{})
    for pid <- Enum.sort(Map.keys(counts)), _ <- 1..Map.fetch!(counts, pid), do: pid
  end

  defp join_group(s, name, pid) do
    monitors =
      case s.monitors do
        %{^pid => {ref, n}} -> Map.put(s.monitors, pid, {ref, n + 1})
        _ -> Map.put(s.monitors, pid, {Process.monitor(pid), 1})
      end

    put_counts(%{s | monitors: monitors}, name, Map.update(s.groups[name], pid, 1, &(&1 + 1)))
  end

  defp leave_group(s, name, pid) do
    counts = Map.get(s.groups, name, %{})

    case counts do
      %{^pid => n} ->
        counts = if n == 1, do: Map.delete(counts, pid), else: Map.put(counts, pid, n - 1)

        monitors =
          case s.monitors do
            %{^pid => {ref, 1}} ->
              Process.demonitor(ref)
              Map.delete(s.monitors, pid)

            %{^pid => {ref, m}} ->
              Map.put(s.monitors, pid, {ref, m - 1})
          end

        put_counts(%{s | monitors: monitors}, name, counts)

      _ ->
        s
    end
  end
end
