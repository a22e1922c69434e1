# Types for the compiled copy of grouped_audit.py (jixiao.compiled): _Group as an extension
# type, its attributes in slots. Every attribute _Group.__init__ sets must be declared here;
# the suite, run on the compiled copy, fails on one that is not. _column reads its rows as
# dicts (a direct lookup in C instead of a call of dict.get per row).

import cython

@cython.locals(node=dict, cells=list)
cpdef list _column(list column, object key)

cdef class _Group:
    cdef public object documents
    cdef public object rules
    cdef public Py_ssize_t size
    cdef public list alive
    cdef public list budgets
    cdef public list problems
    cdef public Py_ssize_t order
    cdef public dict counts
    cdef public Py_ssize_t leaves
    cdef public dict memo
    cdef public dict outcomes
    cdef public object plain
    cdef public object quantum
    cdef public object rounding
    cdef public bint exact_kept
    cdef public dict full_marks
    cdef public dict specs
