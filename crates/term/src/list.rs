use crate::term::Term;

/// The elements of a (possibly improper) list, and its tail (`[]` when proper).
pub struct ListView {
    pub items: Vec<Term>,
    pub tail: Term,
}

impl ListView {
    pub fn of(list: &Term) -> ListView {
        let mut items = Vec::new();
        let mut cur = list;
        while let Term::Cons(c) = cur {
            items.push(c.head.clone());
            cur = &c.tail;
        }
        ListView {
            items,
            tail: cur.clone(),
        }
    }

    pub fn is_proper(&self) -> bool {
        matches!(self.tail, Term::Nil)
    }
}

/// Iterates the heads of a list; stops at the first non-cons tail.
pub struct ListIter<'a> {
    cur: &'a Term,
}

impl<'a> ListIter<'a> {
    pub fn new(list: &'a Term) -> ListIter<'a> {
        ListIter { cur: list }
    }

    /// What is left: `[]` after a proper list, else the improper tail.
    pub fn rest(&self) -> &'a Term {
        self.cur
    }
}

impl<'a> Iterator for ListIter<'a> {
    type Item = &'a Term;
    fn next(&mut self) -> Option<&'a Term> {
        match self.cur {
            Term::Cons(c) => {
                self.cur = &c.tail;
                Some(&c.head)
            }
            _ => None,
        }
    }
}

impl Term {
    pub fn iter_list(&self) -> ListIter<'_> {
        ListIter::new(self)
    }

    /// The elements of a proper list, or `None`.
    pub fn to_vec(&self) -> Option<Vec<Term>> {
        let mut it = self.iter_list();
        let v: Vec<Term> = it.by_ref().cloned().collect();
        matches!(it.rest(), Term::Nil).then_some(v)
    }

    /// Length of a proper list, or `None`.
    pub fn list_len(&self) -> Option<usize> {
        let mut it = self.iter_list();
        let n = it.by_ref().count();
        matches!(it.rest(), Term::Nil).then_some(n)
    }
}
