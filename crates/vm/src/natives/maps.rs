//! `:maps` functions that take no funs.

use beamplay_term::{MapEntries, MapTerm, Term};

use super::args::list_arg;
use crate::native::{Ctx, NativeTable};

fn map_arg<'t>(
    c: &mut Ctx<'_>,
    t: &'t Term,
) -> Result<&'t beamplay_term::MapTerm, crate::native::Raise> {
    match t {
        Term::Map(m) => Ok(m),
        other => Err(c.error_tuple("badmap", other.clone())),
    }
}

/// `map` with `key` set to `value` (in place when the map is not shared).
fn with_entry(map: &Term, key: &Term, value: &Term) -> Term {
    let Term::Map(mut m) = map.clone() else {
        return map.clone();
    };
    MapTerm::make_mut(&mut m, 1)
        .entries
        .insert(key.clone(), value.clone());
    Term::Map(m)
}

pub fn register<P: Copy>(t: &mut NativeTable<P>) {
    t.add("maps", "get", 2, |c, a| {
        let m = map_arg(c, &a[1])?;
        match m.entries.get(&a[0]) {
            Some(v) => Ok(v.clone()),
            None => Err(crate::native::Raise::error(Term::tuple(vec![
                c.known("badkey"),
                a[0].clone(),
                a[1].clone(),
            ]))),
        }
    });
    t.add("maps", "get", 3, |c, a| {
        let m = map_arg(c, &a[1])?;
        Ok(m.entries
            .get(&a[0])
            .cloned()
            .unwrap_or_else(|| a[2].clone()))
    });
    t.add("maps", "find", 2, |c, a| {
        let m = map_arg(c, &a[1])?;
        Ok(match m.entries.get(&a[0]) {
            Some(v) => Term::tuple(vec![c.known("ok"), v.clone()]),
            None => c.known("error"),
        })
    });
    t.add("maps", "is_key", 2, |c, a| {
        let m = map_arg(c, &a[1])?;
        let has = m.entries.contains_key(&a[0]);
        Ok(c.bool(has))
    });
    t.add("maps", "put", 3, |c, a| {
        map_arg(c, &a[2])?;
        Ok(with_entry(&a[2], &a[0], &a[1]))
    });
    t.add("maps", "update", 3, |c, a| {
        if !map_arg(c, &a[2])?.entries.contains_key(&a[0]) {
            let reason = Term::tuple(vec![c.known("badkey"), a[0].clone(), a[2].clone()]);
            return Err(crate::native::Raise::error(reason));
        }
        Ok(with_entry(&a[2], &a[0], &a[1]))
    });
    t.add("maps", "remove", 2, |c, a| {
        map_arg(c, &a[1])?;
        let Term::Map(mut m) = a[1].clone() else {
            return Ok(a[1].clone());
        };
        if m.entries.contains_key(&a[0]) {
            MapTerm::make_mut(&mut m, 0).entries.remove(&a[0]);
        }
        Ok(Term::Map(m))
    });
    t.add("maps", "take", 2, |c, a| {
        map_arg(c, &a[1])?;
        let Term::Map(mut m) = a[1].clone() else {
            return Ok(a[1].clone());
        };
        match MapTerm::make_mut(&mut m, 0).entries.remove(&a[0]) {
            Some(v) => Ok(Term::tuple(vec![v, Term::Map(m)])),
            None => Ok(c.known("error")),
        }
    });
    t.add("maps", "keys", 1, |c, a| {
        Ok(Term::list(
            map_arg(c, &a[0])?
                .iter()
                .map(|(k, _)| k.clone())
                .collect::<Vec<_>>(),
        ))
    });
    t.add("maps", "values", 1, |c, a| {
        Ok(Term::list(
            map_arg(c, &a[0])?
                .iter()
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>(),
        ))
    });
    t.add("maps", "to_list", 1, |c, a| {
        Ok(Term::list(
            map_arg(c, &a[0])?
                .iter()
                .map(|(k, v)| Term::tuple(vec![k.clone(), v.clone()]))
                .collect::<Vec<_>>(),
        ))
    });
    t.add("maps", "from_list", 1, |c, a| {
        let mut m = MapEntries::new();
        for x in list_arg(c, &a[0], 1)? {
            match x.as_tuple() {
                Some([k, v]) => {
                    m.insert(k.clone(), v.clone());
                }
                _ => return Err(c.badarg(&[(1, "not a list of pairs")])),
            }
        }
        Ok(Term::map(m))
    });
    t.add("maps", "from_keys", 2, |c, a| {
        let keys = list_arg(c, &a[0], 1)?;
        Ok(Term::map(
            keys.into_iter().map(|k| (k, a[1].clone())).collect(),
        ))
    });
    t.add("maps", "merge", 2, |c, a| {
        map_arg(c, &a[0])?;
        let add = map_arg(c, &a[1])?.entries.clone();
        let Term::Map(mut m) = a[0].clone() else {
            return Ok(a[0].clone());
        };
        MapTerm::make_mut(&mut m, add.len()).entries.extend(add);
        Ok(Term::Map(m))
    });
    // the entries in :maps.fold/3's order (Enum.reduce/3 over a map)
    t.add("Elixir.Beamplay.Runtime", "map_fold_list", 1, |c, a| {
        let m = map_arg(c, &a[0])?;
        let mut v: Vec<Term> = m
            .iter()
            .map(|(k, v)| Term::tuple(vec![k.clone(), v.clone()]))
            .collect();
        if v.len() > 32 {
            v.reverse();
        }
        Ok(Term::list(v))
    });
    t.add("maps", "size", 1, |c, a| {
        Ok(Term::Int(map_arg(c, &a[0])?.entries.len() as i64))
    });
    t.add("maps", "new", 0, |_, _| Ok(Term::map(MapEntries::new())));
    t.add("maps", "with", 2, |c, a| {
        let keys = list_arg(c, &a[0], 1)?;
        let m = map_arg(c, &a[1])?;
        Ok(Term::map(
            keys.iter()
                .filter_map(|k| m.entries.get(k).map(|v| (k.clone(), v.clone())))
                .collect(),
        ))
    });
    t.add("maps", "without", 2, |c, a| {
        let keys = list_arg(c, &a[0], 1)?;
        let m = map_arg(c, &a[1])?;
        Ok(Term::map(
            m.entries
                .iter()
                .filter(|(k, _)| !keys.contains(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ))
    });
}
