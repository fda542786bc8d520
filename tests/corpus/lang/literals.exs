# Literals: numbers, atoms, strings, charlists, lists, tuples, maps,
# keyword lists, ranges.

42
#=> 42

-7
#=> -7

1_000_000
#=> 1000000

{0x1F, 0b101, 0o17, ?a, ?\n}
#=> {31, 5, 15, 97, 10}

2 ** 100
#=> 1267650600228229401496703205376

-123456789012345678901234567890
#=> -123456789012345678901234567890

{1.0, 2.5e-7, 1.0e16, 0.1 + 0.2, -0.0, 1.0e-10}
#=> {1.0, 2.5e-7, 1.0e16, 0.30000000000000004, -0.0, 1.0e-10}

[:ok, :"with space", :foo?, :a@b, :+, true, false, nil]
#=> [:ok, :"with space", :foo?, :a@b, :+, true, false, nil]

{Foo, Foo.Bar, :"Elixir.Foo" == Foo}
#=> {Foo, Foo.Bar, true}

"a\tb\nc \"quoted\" \\ \u00e9 \x41"
#=> "a\tb\nc \"quoted\" \\ é A"

'abc'
#=> 'abc'

[104, 105]
#=> 'hi'

[1, 2 | 3]
#=> [1, 2 | 3]

{}
#=> {}

{:ok, 1, "two", [3]}
#=> {:ok, 1, "two", [3]}

%{a: 1, b: 2}
#=> %{a: 1, b: 2}

%{"k" => 1, :a => 2, 3 => [4]}
#=> %{3 => [4], :a => 2, "k" => 1}

[a: 1, "b c": 2]
#=> [a: 1, "b c": 2]

[{:a, 1}, {:b, 2}]
#=> [a: 1, b: 2]

{1..10, 1..10//2, 10..1}
#=> {1..10, 1..10//2, 10..1//-1}

<<1, 2, 3>>
#=> <<1, 2, 3>>

<<"abc", 0>>
#=> <<97, 98, 99, 0>>

Enum.to_list(1..60)
#=> [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
#=>  23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42,
#=>  43, 44, 45, 46, 47, 48, 49, 50, ...]

String.duplicate("ab", 50)
#=> "abababababababababababababababababababababababababababababababababababababababababababababababababab"

%{z: 1, a: 2, m: [1, 2, 3], nested: %{deep: {:ok, "yes"}}, list: Enum.to_list(1..12)}
#=> %{
#=>   a: 2,
#=>   list: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
#=>   m: [1, 2, 3],
#=>   nested: %{deep: {:ok, "yes"}},
#=>   z: 1
#=> }
