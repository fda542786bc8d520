# case, cond, if and unless, and the errors when nothing matches.

case {:ok, 1} do
  {:ok, n} -> n + 1
  {:error, _} -> :failed
end
#=> 2

case :nope do
  :yes -> 1
end
#=> ** (CaseClauseError) no case clause matching: :nope

cond do
  1 > 2 -> :wrong
  nil -> :falsy
  "truthy" -> :first_truthy
  true -> :default
end
#=> :first_truthy

cond do
  false -> :never
end
#=> ** (CondClauseError) no cond clause evaluated to a truthy value

if true, do: :yes, else: :no
#=> :yes

if nil, do: :yes
#=> nil

if 0 do
  :zero_is_truthy
else
  :no
end
#=> :zero_is_truthy

unless false, do: :ran
#=> :ran

unless true, do: :ran
#=> nil

x = 10
#=> 10

result =
  case x do
    n when n > 5 ->
      y = n * 2
      y + 1

    _ ->
      0
  end
#=> 21

result
#=> 21

case [1, 2] do
  [a, b] -> a + b
end + 100
#=> 103

if x > 5, do: (z = 1; z + 1), else: 0
#=> 2

case 1 do
  1 -> :a
  1 -> :b
end
#=> :a
