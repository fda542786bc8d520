# with: clauses, plain matches, guards, else, and WithClauseError.

with {:ok, a} <- {:ok, 1},
     {:ok, b} <- {:ok, 2} do
  a + b
end
#=> 3

with {:ok, a} <- {:ok, 1},
     {:ok, b} <- {:error, :no_b} do
  a + b
end
#=> {:error, :no_b}

with {:ok, a} <- {:ok, 1},
     b = a * 10,
     true <- b > 5 do
  b
end
#=> 10

with {:ok, n} when n > 5 <- {:ok, 3} do
  n
else
  {:ok, small} -> {:too_small, small}
  other -> other
end
#=> {:too_small, 3}

with {:ok, _} <- {:error, 1} do
  :ok
else
  {:error, 2} -> :two
end
#=> ** (WithClauseError) no with clause matching: {:error, 1}

with x <- 5, do: x * 2
#=> 10

with {:ok, v} <- {:ok, 1}, {:ok, v} <- {:ok, v + 1}, do: v
#=> 2

opts = %{port: 8080}
#=> %{port: 8080}

with {:ok, port} <- Map.fetch(opts, :port),
     {:ok, host} <- Map.fetch(opts, :host) do
  {host, port}
else
  :error -> :missing_option
end
#=> :missing_option
