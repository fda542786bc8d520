# Anonymous functions and captures: clauses, guards, arity errors,
# captures of remote, local (Kernel) and operator functions, & shorthand.

add = fn a, b -> a + b end
#=> #Function<41.3316493/2 in :erl_eval.expr/6>

add.(1, 2)
#=> 3

add.(1)
#=> ** (BadArityError) #Function<41.3316493/2 in :erl_eval.expr/6> with arity 2 called with 1 argument (1)

sign = fn
  0 -> :zero
  n when n > 0 -> :pos
  _ -> :neg
end
#=> #Function<42.3316493/1 in :erl_eval.expr/6>

Enum.map([-2, 0, 5], sign)
#=> [:neg, :zero, :pos]

sign.(:atom)
#=> :pos

inc = &(&1 + 1)
#=> #Function<42.3316493/1 in :erl_eval.expr/6>

inc.(41)
#=> 42

pair = &{&1, &2}
#=> #Function<41.3316493/2 in :erl_eval.expr/6>

pair.(:a, :b)
#=> {:a, :b}

Enum.map([1, 2, 3], &(&1 * &1))
#=> [1, 4, 9]

up = &String.upcase/1
#=> &String.upcase/1

up.("abc")
#=> "ABC"

&is_atom/1
#=> &:erlang.is_atom/1

&Kernel.+/2
#=> &:erlang.+/2

(&Kernel.+/2).(2, 3)
#=> 5

Enum.reduce([1, 2, 3], 0, &+/2)
#=> 6

list = &[&1, &1]
#=> #Function<42.3316493/1 in :erl_eval.expr/6>

list.(7)
#=> '\a\a'

is_function(add, 2)
#=> true

# known-failing: calling a literal atom is a CompileError in Elixir (invalid function call :not_a_fun.()); the playground compiles it and raises BadFunctionError when it runs
:not_a_fun.(1)
#=> ** (CompileError) iex:20: invalid function call :not_a_fun.()

(fn -> :no_args end).()
#=> :no_args

apply(add, [3, 4])
#=> 7

apply(Enum, :sum, [[1, 2, 3]])
#=> 6

&(&2)
#=> ** (CompileError) iex:23: capture argument &2 cannot be defined without &1 (you cannot skip arguments, all arguments must be numbered)

fn x -> x end.(1)
#=> 1

fn
  1 -> :one
  a, b -> {a, b}
end
#=> ** (CompileError) iex:24: cannot mix clauses with different arities in anonymous functions
