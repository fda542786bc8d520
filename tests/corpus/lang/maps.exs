# Maps: literals, matching (partial), update syntax, access, and their
# errors.

m = %{a: 1, b: 2}
#=> %{a: 1, b: 2}

%{a: a} = m
#=> %{a: 1, b: 2}

a
#=> 1

%{c: c} = m
#=> ** (MatchError) no match of right hand side value: %{a: 1, b: 2}

%{} = m
#=> %{a: 1, b: 2}

%{m | a: 10}
#=> %{a: 10, b: 2}

%{m | z: 1}
#=> ** (KeyError) key :z not found in: %{a: 1, b: 2}

m.b
#=> 2

m.zz
#=> ** (KeyError) key :zz not found in: %{a: 1, b: 2}

m[:a]
#=> 1

m[:missing]
#=> nil

%{"key" => v} = %{"key" => "value", "other" => 0}
#=> %{"key" => "value", "other" => 0}

v
#=> "value"

Map.put(m, :c, 3)
#=> %{a: 1, b: 2, c: 3}

{map_size(m), Map.keys(m), Map.values(m)}
#=> {2, [:a, :b], [1, 2]}

%{m | a: 1, b: 2} == m
#=> true

k = :a
#=> :a

%{^k => found} = m
#=> %{a: 1, b: 2}

found
#=> 1

%{{1, 2} => :tuple_key, [1] => :list_key}
#=> %{{1, 2} => :tuple_key, [1] => :list_key}

Map.new(1..40, fn i -> {i, i * i} end) |> Map.keys()
#=> [33, 12, 23, 29, 30, 39, 26, 31, 11, 37, 9, 32, 34, 25, 28, 6, 38, 13, 40, 20,
#=>  15, 14, 2, 7, 1, 8, 3, 17, 22, 21, 4, 36, 24, 10, 35, 27, 19, 5, 18, 16]

nil.key
#=> ** (KeyError) key :key not found in: nil. If you are using the dot syntax, such as map.field, make sure the left-hand side of the dot is a map

%{1 => :int, 1.0 => :float}
#=> %{1 => :int, 1.0 => :float}

is_map_key(%{a: 1}, :a)
#=> true
