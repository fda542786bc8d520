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
  def spawn(node, fun), do: Beamplay.Dist.spawn(node, :erlang, :apply, [fun, []], [])
  def spawn(node, m, f, a), do: Beamplay.Dist.spawn(node, m, f, a, [])
  def spawn_link(node, fun), do: Beamplay.Dist.spawn(node, :erlang, :apply, [fun, []], [:link])
  def spawn_link(node, m, f, a), do: Beamplay.Dist.spawn(node, m, f, a, [:link])
  def spawn_monitor(node, fun), do: Beamplay.Dist.spawn(node, :erlang, :apply, [fun, []], [:monitor])
  def spawn_monitor(node, m, f, a), do: Beamplay.Dist.spawn(node, m, f, a, [:monitor])
end

defmodule Beamplay.Dist do
  # erlang:spawn/2,4 and their link and monitor variants: a local spawn on
  # this node, a spawn request to any other, waited for here
  def spawn(node, m, f, a, opts) when node == node(), do: local(m, f, a, opts)

  def spawn(node, m, f, a, opts) do
    ref = Beamplay.Runtime.spawn_request(node, m, f, a, opts)

    receive do
      {:spawn_reply, ^ref, :ok, pid} -> if opts == [:monitor], do: {pid, ref}, else: pid
      {:spawn_reply, ^ref, :error, reason} -> crasher(node, m, f, a, opts, reason)
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
    do: [{m, f, a, []} | call_stack(nil, rest, m, f, a)]

  def call_stack(_r, stack, _m, _f, _a),
    do: Enum.reject(stack, fn {_, _, _, loc} -> Keyword.get(loc, :file) == 'prelude' end)

  defp local(:erlang, :apply, [fun, []], opts) when is_function(fun) do
    case opts do
      [] -> :erlang.spawn(fun)
      [:link] -> :erlang.spawn_link(fun)
      [:monitor] -> :erlang.spawn_monitor(fun)
    end
  end

  defp local(m, f, a, opts) do
    case opts do
      [] -> :erlang.spawn(m, f, a)
      [:link] -> :erlang.spawn_link(m, f, a)
      [:monitor] -> :erlang.spawn_monitor(m, f, a)
    end
  end

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

  defp watch_info([]), do: {:ok, :plain}
  defp watch_info([:nodedown_reason]), do: {:ok, :nodedown_reason}
  defp watch_info(m) when m == %{}, do: {:ok, :map}
  defp watch_info(opts) when is_list(opts), do: {:error, {:unknown_options, opts}}
  defp watch_info(_), do: :error

  # the connection is dialled by the node; this process waits for it
  def connect_node(node) when is_atom(node) do
    case Beamplay.Runtime.dist_connect(node) do
      :wait ->
        receive do
          {:"$beamplay_connect", ^node, up} -> up
        end

      now ->
        now
    end
  end
end

defmodule :net_adm do
  def ping(node) do
    case :net_kernel.connect_node(node) do
      true -> :pong
      _ -> :pang
    end
  end
end


defmodule :erpc do
  # erpc.erl of OTP 25: a monitored spawn on the node, whose exit reason
  # carries the result back
  def call(node, fun), do: call(node, :erlang, :apply, [fun, []], :infinity)
  def call(node, fun, timeout), do: call(node, :erlang, :apply, [fun, []], timeout)
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
