# The pin operator: in matches, case clauses, fn heads, map keys and
# binary sizes.

x = 1
#=> 1

^x = 1
#=> 1

^x = 2
#=> ** (MatchError) no match of right hand side value: 2

{^x, y} = {1, :bound}
#=> {1, :bound}

y
#=> :bound

case 2 do
  ^x -> :same
  other -> {:other, other}
end
#=> {:other, 2}

f = fn
  ^x -> :one
  _ -> :not_one
end
#=> #Function<42.3316493/1 in :erl_eval.expr/6>

{f.(1), f.(2)}
#=> {:one, :not_one}

key = :k
#=> :k

%{^key => v} = %{k: :value}
#=> %{k: :value}

v
#=> :value

n = 3
#=> 3

<<part::binary-size(^n), _::binary>> = "abcdef"
#=> ** (CompileError) iex:12: cannot use ^n outside of match clauses

part
#=> ** (CompileError) iex:12: undefined function part/0 (there is no such import)

[^x | _] = [2, 3]
#=> ** (MatchError) no match of right hand side value: [2, 3]

x = 5
#=> 5

f.(1)
#=> :one

^undefined = 1
#=> ** (CompileError) iex:14: undefined variable ^undefined. No variable "undefined" has been defined before the current pattern
