//! Heap measurement behind the per-process heap limit: the words a
//! process's terms take, each shared box counted once (the allocation
//! meter, `meter.rs`, tells when to measure again).
use std::rc::Rc;

use rustc_hash::FxHashSet;

use crate::meter::{binary_words, map_words, tuple_words, CONS_WORDS};
use crate::term::{Fun, Term};

/// Words of a term's boxed part (its 2-word slot not included).
fn boxed_words(t: &Term) -> usize {
    match t {
        Term::Int(_) | Term::Float(_) | Term::Atom(_) | Term::Nil => 0,
        Term::BigInt(b) => 5 + b.bits().div_ceil(64) as usize,
        Term::Cons(_) => CONS_WORDS,
        Term::Tuple(t) => tuple_words(t.len()),
        Term::Map(m) => map_words(m.entries.len()),
        Term::Binary(b) => binary_words(b.bit_len().div_ceil(8)),
        Term::Pid(_) | Term::Ref(_) => 6,
        Term::Fun(f) => match &**f {
            Fun::Closure(c) => 12 + 2 * c.env.len(),
            Fun::Export { .. } => 8,
        },
    }
}

/// The words reachable from `roots`, each shared box counted once, plus
/// two words for every root slot.
pub fn heap_words<'a>(roots: impl IntoIterator<Item = &'a Term>) -> usize {
    let mut seen: FxHashSet<usize> = FxHashSet::default();
    let mut stack: Vec<&Term> = Vec::new();
    let mut words = 0usize;
    for root in roots {
        words += 2;
        stack.push(root);
        while let Some(t) = stack.pop() {
            // a shared box is counted the first time it is met
            if shared_box(t).is_some_and(|addr| !seen.insert(addr)) {
                continue;
            }
            words += boxed_words(t);
            match t {
                Term::Cons(first) => {
                    // along the spine in place: a list's elements are
                    // most often immediates, which take no box
                    let mut c = first;
                    loop {
                        if !c.head.is_immediate() {
                            stack.push(&c.head);
                        }
                        match &c.tail {
                            Term::Cons(next) => {
                                if shared_box(&c.tail).is_some_and(|addr| !seen.insert(addr)) {
                                    break;
                                }
                                words += CONS_WORDS;
                                c = next;
                            }
                            tail => {
                                stack.push(tail);
                                break;
                            }
                        }
                    }
                }
                Term::Tuple(items) => stack.extend(items.iter()),
                Term::Map(m) => {
                    for (k, v) in &m.entries {
                        stack.push(k);
                        stack.push(v);
                    }
                }
                Term::Fun(f) => {
                    if let Fun::Closure(c) = &**f {
                        stack.extend(c.env.iter());
                    }
                }
                _ => {}
            }
        }
    }
    words
}

/// The address of the box behind `t` when other references share it.
fn shared_box(t: &Term) -> Option<usize> {
    fn addr<T: ?Sized>(rc: &Rc<T>) -> Option<usize> {
        (Rc::strong_count(rc) > 1).then(|| Rc::as_ptr(rc).cast::<u8>() as usize)
    }
    match t {
        Term::BigInt(rc) => addr(rc),
        Term::Cons(rc) => addr(rc),
        Term::Tuple(rc) => addr(rc),
        Term::Map(rc) => addr(rc),
        Term::Binary(rc) => addr(rc),
        Term::Fun(rc) => addr(rc),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_subterms_count_once() {
        let leaf = Term::tuple(vec![Term::Int(1), Term::Int(2)]);
        let mut t = leaf.clone();
        for _ in 0..60 {
            t = Term::cons(t.clone(), t);
        }
        // 2^60 leaves as a tree, 61 boxes as a heap
        let w = heap_words([&t]);
        assert_eq!(w, 2 + 60 * CONS_WORDS + tuple_words(2));
    }

    #[test]
    fn a_tail_two_lists_share_counts_once_with_its_elements() {
        let tail = Term::list((0..10).map(|i| Term::tuple(vec![Term::Int(i)])));
        let a = Term::cons(Term::Int(1), tail.clone());
        let b = Term::cons(Term::Int(2), tail);
        let expect = 2 * 2 + 12 * CONS_WORDS + 10 * tuple_words(1);
        assert_eq!(heap_words([&a, &b]), expect);
    }

    #[test]
    fn a_long_list_is_measured_without_recursion() {
        let l = Term::list((0..1_000_000).map(Term::Int));
        assert_eq!(heap_words([&l]), 2 + 1_000_000 * CONS_WORDS);
    }
}
