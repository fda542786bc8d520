# GenServer, Agent and Task, written on receive like OTP's gen_server.

defmodule GenServer do
  def start(mod, arg, opts \\ []), do: do_start(:nolink, mod, arg, opts)
  def start_link(mod, arg, opts \\ []), do: do_start(:link, mod, arg, opts)

  defp do_start(link, mod, arg, opts) do
    name = Keyword.get(opts, :name)

    case name do
      n when is_atom(n) -> :ok
      {:global, _} -> :ok
      {:via, via, _} when is_atom(via) -> :ok
      other -> raise ArgumentError, "expected :name option to be one of the following:\n\n  * nil\n  * atom\n  * {:global, term}\n  * {:via, module, term}\n\nGot: " <> inspect(other) <> "\n"
    end

    case whereis(name) do
      pid when is_pid(pid) ->
        {:error, {:already_started, pid}}

      nil ->
        parent = self()
        ref = :erlang.make_ref()
        fun = fn -> init_it(parent, ref, name, mod, arg) end
        pid = if link == :link, do: spawn_link(fun), else: spawn(fun)
        mon = Process.monitor(pid)

        receive do
          {^ref, :ack, reply} ->
            Process.demonitor(mon, [:flush])
            reply

          {:DOWN, ^mon, :process, ^pid, reason} ->
            {:error, reason}
        end
    end
  end

  defp init_it(parent, ref, name, mod, arg) do
    if name != nil and register_name(name) == false do
      send(parent, {ref, :ack, {:error, {:already_started, whereis(name)}}})
      exit(:normal)
    end

    result =
      try do
        {:ok, mod.init(arg)}
      rescue
        e -> {:raised, e, __STACKTRACE__}
      catch
        :exit, r -> {:exited, r}
        :throw, v -> {:ok, v}
      end

    case result do
      {:ok, {:ok, state}} ->
        send(parent, {ref, :ack, {:ok, self()}})
        loop(parent, name, mod, state, :infinity)

      {:ok, {:ok, state, {:continue, c}}} ->
        send(parent, {ref, :ack, {:ok, self()}})
        continue(parent, name, mod, c, state)

      {:ok, {:ok, state, :hibernate}} ->
        send(parent, {ref, :ack, {:ok, self()}})
        loop(parent, name, mod, state, :infinity)

      {:ok, {:ok, state, timeout}} ->
        send(parent, {ref, :ack, {:ok, self()}})
        loop(parent, name, mod, state, timeout)

      {:ok, :ignore} ->
        send(parent, {ref, :ack, :ignore})
        exit(:normal)

      {:ok, {:stop, reason}} ->
        send(parent, {ref, :ack, {:error, reason}})
        exit(reason)

      {:ok, other} ->
        send(parent, {ref, :ack, {:error, {:bad_return_value, other}}})
        exit({:bad_return_value, other})

      {:raised, e, stack} ->
        send(parent, {ref, :ack, {:error, {e, stack}}})
        :erlang.raise(:error, e, stack)

      {:exited, r} ->
        send(parent, {ref, :ack, {:error, r}})
        exit(r)
    end
  end

  defp register_name(name) when is_atom(name) do
    try do
      :erlang.register(name, self())
    rescue
      _ -> false
    end
  end

  defp register_name({:global, n}), do: :global.register_name(n, self()) == :yes
  defp register_name({:via, mod, n}), do: mod.register_name(n, self()) == :yes

  defp loop(parent, name, mod, state, timeout) do
    receive do
      msg -> handle_msg(parent, name, mod, state, msg)
    after
      timeout -> dispatch(parent, name, mod, state, :timeout, :info, nil)
    end
  end

  defp handle_msg(_parent, _name, mod, state, {:"$gen_stop", reason}) do
    do_terminate(mod, state, reason)
    exit(reason)
  end

  defp handle_msg(parent, name, mod, state, {:"$gen_call", from, req}), do: dispatch(parent, name, mod, state, req, :call, from)
  defp handle_msg(parent, name, mod, state, {:"$gen_cast", req}), do: dispatch(parent, name, mod, state, req, :cast, nil)
  defp handle_msg(parent, name, mod, state, msg), do: dispatch(parent, name, mod, state, msg, :info, nil)

  defp dispatch(parent, name, mod, state, msg, kind, from) do
    result =
      try do
        case kind do
          :call -> {:ok, mod.handle_call(msg, from, state)}
          :cast -> {:ok, mod.handle_cast(msg, state)}
          :info -> {:ok, mod.handle_info(msg, state)}
        end
      rescue
        e -> {:crash, {e, otp_stack(__STACKTRACE__, kind)}}
      catch
        :exit, r -> {:crash, r}
        :throw, v -> {:ok, v}
      end

    case result do
      {:ok, reply} -> handle_reply(parent, name, mod, state, msg, kind, from, reply)
      {:crash, reason} -> terminate(name, mod, state, reason, msg, kind, from)
    end
  end

  defp handle_reply(parent, name, mod, _old, msg, kind, from, reply) do
    case reply do
      {:reply, r, s} when kind == :call ->
        reply(from, r)
        loop(parent, name, mod, s, :infinity)

      {:reply, r, s, {:continue, c}} when kind == :call ->
        reply(from, r)
        continue(parent, name, mod, c, s)

      {:reply, r, s, timeout} when kind == :call ->
        reply(from, r)
        loop(parent, name, mod, s, timeout)

      {:noreply, s} ->
        loop(parent, name, mod, s, :infinity)

      {:noreply, s, {:continue, c}} ->
        continue(parent, name, mod, c, s)

      {:noreply, s, :hibernate} ->
        loop(parent, name, mod, s, :infinity)

      {:noreply, s, timeout} ->
        loop(parent, name, mod, s, timeout)

      {:stop, reason, r, s} when kind == :call ->
        do_terminate(mod, s, reason)
        reply(from, r)
        exit(reason)

      {:stop, reason, s} ->
        terminate(name, mod, s, reason, msg, kind, from)

      other ->
        terminate(name, mod, :undefined, {:bad_return_value, other}, msg, kind, from)
    end
  end

  # a callback's stack as OTP 25's gen_server shows it: the user's frames,
  # then gen_server's own in place of the prelude's
  defp otp_stack(stack, kind) do
    user = Enum.reject(stack, &Beamplay.Exception.prelude_frame?/1)

    gen =
      if kind == :call,
        do: [{:gen_server, :try_handle_call, 4, [file: 'gen_server.erl', line: 1149]}, {:gen_server, :handle_msg, 6, [file: 'gen_server.erl', line: 1178]}],
        else: [{:gen_server, :try_dispatch, 4, [file: 'gen_server.erl', line: 1123]}, {:gen_server, :handle_msg, 6, [file: 'gen_server.erl', line: 1200]}]

    user ++ gen ++ [{:proc_lib, :init_p_do_apply, 3, [file: 'proc_lib.erl', line: 240]}]
  end

  defp continue(parent, name, mod, c, state) do
    result =
      try do
        {:ok, mod.handle_continue(c, state)}
      rescue
        e -> {:crash, {e, __STACKTRACE__}}
      end

    case result do
      {:ok, reply} -> handle_reply(parent, name, mod, state, c, :continue, nil, reply)
      {:crash, reason} -> terminate(name, mod, state, reason, c, :continue, nil)
    end
  end

  defp do_terminate(mod, state, reason) do
    if :erlang.function_exported(mod, :terminate, 2), do: mod.terminate(reason, state)
  end

  defp terminate(name, mod, state, reason, msg, kind, _from) do
    do_terminate(mod, state, reason)

    unless quiet_exit?(reason) do
      last = if kind == :cast, do: {:"$gen_cast", msg}, else: msg

      Beamplay.Runtime.log(
        "[error] GenServer " <> inspect(name || self()) <> " terminating\n" <>
          Beamplay.Exception.format_stop(reason) <> "\nLast message: " <> inspect(last) <> "\nState: " <> inspect(state)
      )
    end

    exit(reason)
  end

  defp quiet_exit?(:normal), do: true
  defp quiet_exit?(:shutdown), do: true
  defp quiet_exit?({:shutdown, _}), do: true
  defp quiet_exit?(_), do: false

  def call(server, request, timeout \\ 5000), do: do_call(server, request, timeout, {GenServer, :call, [server, request, timeout]})

  # the exit's {module, function, args} is the caller's: GenServer.call/3 or :gen_server.call/2
  def do_call(server, request, timeout, mfa) do
    case whereis(server) do
      nil ->
        exit({:noproc, mfa})

      pid when pid == self() ->
        exit({:calling_self, mfa})

      pid ->
        ref = :erlang.monitor(:process, pid, [{:alias, :demonitor}])
        send(pid, {:"$gen_call", {self(), ref}, request})

        receive do
          {^ref, reply} ->
            Process.demonitor(ref, [:flush])
            reply

          {:DOWN, ^ref, _, _, :noconnection} ->
            exit({{:nodedown, node_of(pid)}, mfa})

          {:DOWN, ^ref, _, _, reason} ->
            exit({reason, mfa})
        after
          timeout ->
            Process.demonitor(ref, [:flush])
            exit({:timeout, mfa})
        end
    end
  end

  defp node_of({_name, node}), do: node
  defp node_of(pid), do: node(pid)

  def cast(server, request) do
    case server do
      {:global, n} -> :global.send(n, {:"$gen_cast", request})
      {:via, mod, n} -> mod.send(n, {:"$gen_cast", request})
      {name, node} when is_atom(name) and is_atom(node) -> send({name, node}, {:"$gen_cast", request})
      pid when is_pid(pid) -> send(pid, {:"$gen_cast", request})
      name when is_atom(name) -> if whereis(name), do: send(name, {:"$gen_cast", request})
    end

    :ok
  end

  # a call's tag is an alias; multi_call's is {tag, node}, answered to the pid
  def reply({_pid, ref}, reply) when is_reference(ref) do
    send(ref, {ref, reply})
    :ok
  end

  def reply({pid, tag}, reply) do
    send(pid, {tag, reply})
    :ok
  end

  def abcast(nodes \\ [node() | Node.list()], name, request) when is_list(nodes) and is_atom(name) do
    Enum.each(nodes, fn n ->
      try do
        send({name, n}, {:"$gen_cast", request})
      catch
        _, _ -> :ok
      end
    end)

    :abcast
  end

  # {[{node, reply}], [bad_node]} in the order of `nodes`; with a finite
  # timeout a middleman collects, so late replies never reach the caller
  def multi_call(nodes \\ [node() | Node.list()], name, request, timeout \\ :infinity)

  def multi_call(nodes, name, request, :infinity), do: collect_replies(nodes, name, request, :infinity)

  def multi_call(nodes, name, request, timeout) do
    caller = self()

    {pid, mon} =
      spawn_monitor(fn ->
        send(caller, {self(), collect_replies(nodes, name, request, timeout)})
      end)

    receive do
      {^pid, result} ->
        Process.demonitor(mon, [:flush])
        result

      {:DOWN, ^mon, _, _, reason} ->
        exit(reason)
    end
  end

  defp collect_replies(nodes, name, request, timeout) do
    tag = :erlang.make_ref()
    deadline = if timeout == :infinity, do: :infinity, else: System.monotonic_time(:millisecond) + timeout

    asked =
      Enum.map(nodes, fn n ->
        ref = Process.monitor({name, n})
        send({name, n}, {:"$gen_call", {self(), {tag, n}}, request})
        {n, ref}
      end)

    {good, bad} =
      Enum.reduce(asked, {[], []}, fn {n, ref}, {good, bad} ->
        wait = if deadline == :infinity, do: :infinity, else: max(deadline - System.monotonic_time(:millisecond), 0)

        receive do
          {{^tag, ^n}, reply} ->
            Process.demonitor(ref, [:flush])
            {[{n, reply} | good], bad}

          {:DOWN, ^ref, _, _, _} ->
            {good, [n | bad]}
        after
          wait ->
            Process.demonitor(ref, [:flush])
            {good, [n | bad]}
        end
      end)

    {Enum.reverse(good), Enum.reverse(bad)}
  end

  def stop(server, reason \\ :normal, timeout \\ :infinity) do
    case whereis(server) do
      nil ->
        exit({:noproc, {GenServer, :stop, [server, reason, timeout]}})

      pid when pid == self() ->
        exit({:calling_self, {GenServer, :stop, [server, reason, timeout]}})

      pid ->
        mon = Process.monitor(pid)
        send(pid, {:"$gen_stop", reason})

        receive do
          {:DOWN, ^mon, _, _, ^reason} -> :ok
          {:DOWN, ^mon, _, _, other} -> exit({other, {GenServer, :stop, [server, reason, timeout]}})
        end
    end
  end

  def whereis(nil), do: nil
  def whereis(pid) when is_pid(pid), do: pid
  def whereis(name) when is_atom(name), do: Process.whereis(name)

  def whereis({:global, n}) do
    case :global.whereis_name(n) do
      :undefined -> nil
      pid -> pid
    end
  end

  def whereis({:via, mod, n}) do
    case mod.whereis_name(n) do
      :undefined -> nil
      pid -> pid
    end
  end

  def whereis({name, node}) when node == node(), do: whereis(name)
  def whereis({_name, _node} = remote), do: remote
end

defmodule GenServer.Default do
  def init(arg, _mod), do: {:ok, arg}

  def handle_call(msg, _from, _state, _mod) do
    :erlang.error(
      RuntimeError.exception(
        "attempted to call GenServer " <> inspect(self()) <> " but no handle_call/3 clause was provided"
      )
    )
    msg
  end

  def handle_cast(msg, _state, _mod) do
    :erlang.error(
      RuntimeError.exception(
        "attempted to cast GenServer " <> inspect(self()) <> " but no handle_cast/2 clause was provided"
      )
    )
    msg
  end

  def handle_info(msg, state, mod) do
    name = case Process.info(self(), :registered_name) do
      {:registered_name, []} -> inspect(self())
      {:registered_name, n} -> inspect(n)
    end

    Beamplay.Runtime.log("[error] " <> inspect(mod) <> " " <> name <> " received unexpected message in handle_info/2: " <> inspect(msg))
    {:noreply, state}
  end

  def terminate(_reason, _state, _mod), do: :ok
  def code_change(_old, state, _extra, _mod), do: {:ok, state}
  def child_spec(arg, mod), do: %{id: mod, start: {mod, :start_link, [arg]}}
end

defmodule Agent do
  def start(fun, opts \\ []), do: GenServer.start(Agent.Server, fun, opts)
  def start_link(fun, opts \\ []), do: GenServer.start_link(Agent.Server, fun, opts)
  def get(agent, fun, timeout \\ 5000), do: GenServer.call(agent, {:get, fun}, timeout)
  def get_and_update(agent, fun, timeout \\ 5000), do: GenServer.call(agent, {:get_and_update, fun}, timeout)
  def update(agent, fun, timeout \\ 5000), do: GenServer.call(agent, {:update, fun}, timeout)
  def cast(agent, fun), do: GenServer.cast(agent, {:cast, fun})
  def stop(agent, reason \\ :normal, timeout \\ :infinity), do: GenServer.stop(agent, reason, timeout)
end

defmodule Agent.Server do
  def init(fun), do: {:ok, fun.()}
  def handle_call({:get, fun}, _from, state), do: {:reply, fun.(state), state}

  def handle_call({:get_and_update, fun}, _from, state) do
    {reply, state} = fun.(state)
    {:reply, reply, state}
  end

  def handle_call({:update, fun}, _from, state), do: {:reply, :ok, fun.(state)}
  def handle_cast({:cast, fun}, state), do: {:noreply, fun.(state)}
  def handle_info(_msg, state), do: {:noreply, state}
end

defmodule Task do
  defstruct [:mfa, :owner, :pid, :ref]

  def async(fun) do
    owner = self()
    pid = spawn_link(fn -> receive do {:"$beamplay_task", ref} -> send(owner, {ref, fun.()}) end end)
    ref = :erlang.monitor(:process, pid, [{:alias, :demonitor}])
    send(pid, {:"$beamplay_task", ref})
    %Task{mfa: {:erlang, :apply, 2}, owner: owner, pid: pid, ref: ref}
  end

  def await(%Task{ref: ref} = task, timeout \\ 5000) do
    receive do
      {^ref, reply} ->
        Process.demonitor(ref, [:flush])
        reply

      {:DOWN, ^ref, _, _, reason} ->
        exit({reason, {Task, :await, [task, timeout]}})
    after
      timeout ->
        Process.demonitor(ref, [:flush])
        exit({:timeout, {Task, :await, [task, timeout]}})
    end
  end

  def await_many(tasks, timeout \\ 5000), do: Enum.map(tasks, fn t -> await(t, timeout) end)

  def yield(%Task{ref: ref}, timeout \\ 5000) do
    receive do
      {^ref, reply} ->
        Process.demonitor(ref, [:flush])
        {:ok, reply}

      {:DOWN, ^ref, _, _, reason} ->
        {:exit, reason}
    after
      timeout -> nil
    end
  end

  def start(fun), do: {:ok, spawn(fun)}
  def start_link(fun), do: {:ok, spawn_link(fun)}
end

defmodule :gen_server do
  def start({:local, name}, mod, arg, _opts), do: GenServer.start(mod, arg, name: name)
  def start_link({:local, name}, mod, arg, _opts), do: GenServer.start_link(mod, arg, name: name)
  def multi_call(name, request), do: GenServer.multi_call(name, request)
  def multi_call(nodes, name, request), do: GenServer.multi_call(nodes, name, request)
  def multi_call(nodes, name, request, timeout), do: GenServer.multi_call(nodes, name, request, timeout)
  def abcast(name, request), do: GenServer.abcast(name, request)
  def abcast(nodes, name, request), do: GenServer.abcast(nodes, name, request)
  def call(server, request), do: GenServer.do_call(server, request, 5000, {:gen_server, :call, [server, request]})
  def call(server, request, timeout), do: GenServer.do_call(server, request, timeout, {:gen_server, :call, [server, request, timeout]})
  def cast(server, request), do: GenServer.cast(server, request)
  def reply(from, reply), do: GenServer.reply(from, reply)
end
