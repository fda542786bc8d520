# Structs: defstruct with defaults and keys, creation, update, matching,
# access, and the errors of unknown fields; defexception.

defmodule User do
  defstruct name: nil, age: 0, roles: []
end; :ok
#=> :ok

u = %User{name: "Ann"}
#=> %User{name: "Ann", age: 0, roles: []}

u.name
#=> "Ann"

%User{u | age: 31}
#=> %User{name: "Ann", age: 31, roles: []}

%User{name: name} = u
#=> %User{name: "Ann", age: 0, roles: []}

name
#=> "Ann"

%User{nme: "typo"}
#=> ** (KeyError) key :nme not found

u.email
#=> ** (KeyError) key :email not found in: %User{name: "Ann", age: 0, roles: []}

%{u | email: "x"}
#=> ** (KeyError) key :email not found in: %User{name: "Ann", age: 0, roles: []}

is_map(u)
#=> true

Map.from_struct(u)
#=> %{age: 0, name: "Ann", roles: []}

u.__struct__
#=> User

case u do
  %User{age: 0} -> :newborn
  %User{} -> :user
end
#=> :newborn

%User{} = %{name: "not a struct"}
#=> ** (MatchError) no match of right hand side value: %{name: "not a struct"}

defmodule Point do
  defstruct [:x, :y]
end; :ok
#=> :ok

%Point{x: 1}
#=> %Point{x: 1, y: nil}

struct(Point, x: 1, y: 2, z: 3)
#=> %Point{x: 1, y: 2}

defmodule Money do
  defexception [:amount, message: "not enough money"]
end; :ok
#=> :ok

raise Money, amount: 5
#=> ** (Money) not enough money

try do
  raise Money
rescue
  e in Money -> {e.message, e.amount}
end
#=> {"not enough money", nil}

%Money{amount: 1}
#=> %Money{amount: 1, message: "not enough money"}

is_struct(u, User)
#=> true
