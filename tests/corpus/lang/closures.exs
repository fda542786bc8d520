# Closures capture values, not variables: rebinding after the fn is made
# changes nothing; nested closures; closures made in a loop.

x = 1
#=> 1

get_x = fn -> x end
#=> #Function<43.3316493/0 in :erl_eval.expr/6>

x = 2
#=> 2

{get_x.(), x}
#=> {1, 2}

adder = fn n -> fn m -> n + m end end
#=> #Function<42.3316493/1 in :erl_eval.expr/6>

add5 = adder.(5)
#=> #Function<42.3316493/1 in :erl_eval.expr/6>

add5.(10)
#=> 15

# known-failing: console closures print as `#Function<N.LINE/0 ...>` where OTP 25's erl_eval funs print `#Function<43.3316493/0 ...>` (index by arity, erl_eval's uniq); the shorter text fits two on a line where iex breaks after each
counters = Enum.map(1..3, fn i -> fn -> i * 10 end end)
#=> [#Function<43.3316493/0 in :erl_eval.expr/6>,
#=>  #Function<43.3316493/0 in :erl_eval.expr/6>,
#=>  #Function<43.3316493/0 in :erl_eval.expr/6>]

Enum.map(counters, fn f -> f.() end)
#=> [10, 20, 30]

base = 100
#=> 100

Enum.map([1, 2], &(&1 + base))
#=> 'ef'

compose = fn f, g -> fn v -> g.(f.(v)) end end
#=> #Function<41.3316493/2 in :erl_eval.expr/6>

compose.(&(&1 + 1), &(&1 * 2)).(3)
#=> 8

y = 5
#=> 5

shadow = fn y -> y * 2 end
#=> #Function<42.3316493/1 in :erl_eval.expr/6>

{shadow.(1), y}
#=> {2, 5}

outer = fn a ->
  b = a + 1
  fn c -> {a, b, c} end
end
#=> #Function<42.3316493/1 in :erl_eval.expr/6>

outer.(1).(3)
#=> {1, 2, 3}

fact = fn
  0, _self -> 1
  n, self -> n * self.(n - 1, self)
end
#=> #Function<41.3316493/2 in :erl_eval.expr/6>

fact.(10, fact)
#=> 3628800
