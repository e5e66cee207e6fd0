/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Dealloc visitor: frees a QAPI object graph (used by qapi_free_Foo()). */
#ifndef QAPI_DEALLOC_VISITOR_H
#define QAPI_DEALLOC_VISITOR_H

#include "qapi/visitor.h"

Visitor *qapi_dealloc_visitor_new(void);

#endif
