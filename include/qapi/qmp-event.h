/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP events.  Generated qapi_event_send_<name>() functions build the
 * "data" object and call qapi_event_emit(); the monitor implements it,
 * adds "event" and "timestamp" and sends the result to every QMP client.
 * data is borrowed and may be NULL (event without data).
 */
#ifndef QAPI_QMP_EVENT_H
#define QAPI_QMP_EVENT_H

#include <json-glib/json-glib.h>
#include "qapi/qapi-emit-events.h"

void qapi_event_emit(QAPIEvent event, JsonObject *data);

#endif
