# Erlang modules people type at iex that are ordinary code in OTP.

defmodule :timer do
  def sleep(ms) do
    receive do
    after
      ms -> :ok
    end
  end

  def tc(fun) do
    t0 = :erlang.monotonic_time(:microsecond)
    v = fun.()
    {:erlang.monotonic_time(:microsecond) - t0, v}
  end

  def tc(fun, args) do
    t0 = :erlang.monotonic_time(:microsecond)
    v = apply(fun, args)
    {:erlang.monotonic_time(:microsecond) - t0, v}
  end

  def tc(m, f, args) do
    t0 = :erlang.monotonic_time(:microsecond)
    v = apply(m, f, args)
    {:erlang.monotonic_time(:microsecond) - t0, v}
  end

  def send_after(ms, msg), do: send_after(ms, self(), msg)

  def send_after(ms, dest, msg) do
    ref = :erlang.send_after(ms, dest, msg)
    {:ok, {:send_local, ref}}
  end

  def cancel({:send_local, ref}) do
    :erlang.cancel_timer(ref)
    {:ok, :cancel}
  end

  def cancel(_), do: {:error, :badarg}

  def seconds(s), do: s * 1000
  def minutes(m), do: m * 60_000
  def hours(h), do: h * 3_600_000
end

defmodule IEx.Helpers do
  def pid(text) when is_binary(text) do
    case String.split(text, ".") do
      [a, b, c] -> pid(String.to_integer(a), String.to_integer(b), String.to_integer(c))
      _ -> :erlang.error(ArgumentError.exception("invalid PID: " <> inspect(text)))
    end
  end

  def pid(0, id, serial) when is_integer(id) and is_integer(serial) do
    :erlang.list_to_pid(~c"<0." ++ Integer.to_charlist(id) ++ ~c"." ++ Integer.to_charlist(serial) ++ ~c">")
  end
end
