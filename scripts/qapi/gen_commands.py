# SPDX-License-Identifier: GPL-2.0-or-later
"""QAPI generator: command marshallers, command table, event senders."""

from .common import c_enum_const, c_name, wrap_if
from .schema import Command, Event, special_features_c


def gen_params(arg_type, boxed, extra=None):
    """Parameter list of qmp_<cmd> / qapi_event_send_<event>."""
    parts = []
    if arg_type is not None:
        if boxed:
            parts.append('%s *arg' % arg_type.c_name())
        else:
            for m in arg_type.members:
                p = ''
                if m.need_has():
                    p += 'bool has_%s, ' % m.c_name()
                ptype = m.type.c_param_type()
                sep = '' if ptype.endswith('*') else ' '
                p += '%s%s%s' % (ptype, sep, m.c_name())
                parts.append((m.ifcond, p))
    if extra:
        parts.append(extra)
    if not parts:
        return 'void'
    if not any(isinstance(p, tuple) and p[0] is not None for p in parts):
        return ', '.join(p[1] if isinstance(p, tuple) else p for p in parts)
    out = ''
    for i, p in enumerate(parts):
        cond, text = p if isinstance(p, tuple) else (None, p)
        comma = ',' if i < len(parts) - 1 else ''
        if cond is None:
            out += '\n    ' + text + comma
        else:
            out += '\n' + wrap_if(cond, '    ' + text + comma + '\n')
    return out


def gen_call_args(arg_type, boxed, holder):
    if arg_type is None:
        return []
    if boxed:
        return ['&' + holder]
    args = []
    for m in arg_type.members:
        if m.need_has():
            args.append('%s.has_%s' % (holder, m.c_name()))
        args.append('%s.%s' % (holder, m.c_name()))
    return args


def ret_c_type(cmd):
    return cmd.ret_type.c_type() if cmd.ret_type else 'void'


def _ret_sep(ctype):
    return ctype if ctype.endswith('*') else ctype + ' '


def marshal_name(cmd):
    return 'qmp_marshal_' + c_name(cmd.name)


def gen_command_decls(cmd):
    out = ''
    if cmd.gen:
        out += '%sqmp_%s(%s);\n' % (
            _ret_sep(ret_c_type(cmd)), c_name(cmd.name),
            gen_params(cmd.arg_type, cmd.boxed, 'Error **errp'))
    out += ('void %s(JsonObject *args, JsonNode **ret, Error **errp);\n'
            % marshal_name(cmd))
    return wrap_if(cmd.ifcond, out)


def gen_marshal_output(t):
    n = t.c_name()
    return '''static void qmp_marshal_output_%s(%s ret_in, JsonNode **ret_out,
                                    Error **errp)
{
    Visitor *v;

    v = qobject_output_visitor_new(ret_out);
    if (visit_type_%s(v, "unused", &ret_in, errp)) {
        visit_complete(v, ret_out);
    }
    visit_free(v);
    v = qapi_dealloc_visitor_new();
    visit_type_%s(v, "unused", &ret_in, NULL);
    visit_free(v);
}

''' % (n, t.c_type(), n, n)


def gen_marshal(cmd):
    arg = cmd.arg_type
    out = 'void %s(JsonObject *args, JsonNode **ret, Error **errp)\n{\n' \
        % marshal_name(cmd)
    out += '    Error *err = NULL;\n    bool ok = false;\n    Visitor *v;\n'
    out += '    JsonNode *args_node = qmp_args_node_new(args);\n'
    if arg is not None:
        out += '    %s arg = {0};\n' % arg.c_name()
    if cmd.ret_type is not None:
        out += '    %sretval;\n' % _ret_sep(cmd.ret_type.c_type())
    out += '\n    v = qobject_input_visitor_new(args_node);\n'
    out += '    if (!visit_start_struct(v, NULL, NULL, 0, errp)) {\n' \
           '        goto out;\n    }\n'
    if arg is not None:
        out += ('    if (visit_type_%s_members(v, &arg, errp)) {\n'
                '        ok = visit_check_struct(v, errp);\n    }\n'
                % arg.c_name())
    else:
        out += '    ok = visit_check_struct(v, errp);\n'
    out += '    visit_end_struct(v, NULL);\n    if (!ok) {\n' \
           '        goto out;\n    }\n\n'
    call = 'qmp_%s(%s)' % (c_name(cmd.name), ', '.join(
        gen_call_args(arg, cmd.boxed, 'arg') + ['&err']))
    if cmd.ret_type is not None:
        out += '    retval = %s;\n' % call
    else:
        out += '    %s;\n' % call
    out += '    if (err) {\n        error_propagate(errp, err);\n' \
           '        goto out;\n    }\n'
    if cmd.ret_type is not None:
        out += '    qmp_marshal_output_%s(retval, ret, errp);\n' \
            % cmd.ret_type.c_name()
    else:
        out += ('    *ret = json_node_new(JSON_NODE_OBJECT);\n'
                '    json_node_take_object(*ret, json_object_new());\n')
    out += '\nout:\n    visit_free(v);\n'
    if arg is not None:
        out += ('    v = qapi_dealloc_visitor_new();\n'
                '    visit_start_struct(v, NULL, NULL, 0, NULL);\n'
                '    visit_type_%s_members(v, &arg, NULL);\n'
                '    visit_end_struct(v, NULL);\n'
                '    visit_free(v);\n' % arg.c_name())
    out += '    json_node_unref(args_node);\n}\n\n'
    return out


def gen_commands_module(schema, module, prefix):
    cmds = [e for e in schema.module_entities(module)
            if isinstance(e, Command)]
    h = ''.join(gen_command_decls(c) for c in cmds)
    c = ''
    outputs = {}
    for cmd in cmds:
        if cmd.gen and cmd.ret_type is not None:
            outputs.setdefault(cmd.ret_type.c_name(), (cmd.ret_type, []))
            outputs[cmd.ret_type.c_name()][1].append(cmd.ifcond)
    for _, (t, conds) in outputs.items():
        cond = None if None in conds or len(set(map(repr, conds))) > 1 \
            else conds[0]
        if cond is None and None not in conds:
            cond = {'any': conds}
        c += wrap_if(cond, gen_marshal_output(t))
    for cmd in cmds:
        if cmd.gen:
            c += wrap_if(cmd.ifcond, gen_marshal(cmd))
    hinc = ['"qapi/qmp/dispatch.h"',
            '"qapi/%sqapi-types-%s.h"' % (prefix, module)]
    cinc = ['"qapi/visitor.h"', '"qapi/qobject-input-visitor.h"',
            '"qapi/qobject-output-visitor.h"', '"qapi/dealloc-visitor.h"',
            '"qapi/%sqapi-visit-%s.h"' % (prefix, module),
            '"qapi/%sqapi-commands-%s.h"' % (prefix, module)]
    return h, hinc, c, cinc


def gen_init_commands(schema, prefix, modules):
    fn = c_name(prefix + 'qmp_init_marshal', False)
    h = 'void %s(QmpCommandList *cmds);\n' % fn
    c = 'void %s(QmpCommandList *cmds)\n{\n' % fn
    for e in schema.entities:
        if not isinstance(e, Command):
            continue
        opts = []
        if not e.success_response:
            opts.append('QCO_NO_SUCCESS_RESP')
        if e.allow_oob:
            opts.append('QCO_ALLOW_OOB')
        if e.allow_preconfig:
            opts.append('QCO_ALLOW_PRECONFIG')
        c += wrap_if(e.ifcond, '    qmp_register_command(cmds, "%s",\n'
                     '                         %s, %s, %s);\n' % (
                         e.name, marshal_name(e),
                         ' | '.join(opts) if opts else 'QCO_NO_OPTIONS',
                         special_features_c(e.features)))
    c += '}\n'
    hinc = ['"qapi/qmp/dispatch.h"']
    cinc = ['"qapi/%sqapi-init-commands.h"' % prefix] + [
        '"qapi/%sqapi-commands-%s.h"' % (prefix, m)
        for m in modules]
    return h, hinc, c, cinc


# ---- events ----

def event_enum_name(prefix):
    return c_name(prefix + 'QAPIEvent', False)


def event_const(prefix, name):
    return c_enum_const(event_enum_name(prefix), name)


def event_emit_name(prefix):
    return c_name(prefix + 'qapi_event_emit', False)


def gen_event_send(ev, prefix):
    fn = 'qapi_event_send_' + c_name(ev.name.lower())
    sig = 'void %s(%s)' % (fn, gen_params(ev.arg_type, ev.boxed))
    arg = ev.arg_type
    body = '{\n'
    if arg is None:
        body += '    %s(%s, NULL);\n}\n\n' % (event_emit_name(prefix),
                                              event_const(prefix, ev.name))
        return sig + ';\n', sig + '\n' + body
    body += '    JsonNode *obj = NULL;\n    Visitor *v;\n'
    if ev.boxed:
        ptr = 'arg'
    else:
        body += '    %s param = {0};\n' % arg.c_name()
        ptr = '&param'
    body += '\n'
    if not ev.boxed:
        for m in arg.members:
            line = ''
            if m.need_has():
                line += '    param.has_%s = has_%s;\n' % (m.c_name(),
                                                          m.c_name())
            cast = '(char *)' if m.type.name == 'str' else ''
            line += '    param.%s = %s%s;\n' % (m.c_name(), cast, m.c_name())
            body += wrap_if(m.ifcond, line)
    body += '''    v = qobject_output_visitor_new(&obj);
    visit_start_struct(v, "%s", NULL, 0, &error_abort);
    visit_type_%s_members(v, %s, &error_abort);
    visit_check_struct(v, &error_abort);
    visit_end_struct(v, NULL);
    visit_complete(v, &obj);
    visit_free(v);
    %s(%s, json_node_get_object(obj));
    json_node_unref(obj);
}

''' % (ev.name, arg.c_name(), ptr, event_emit_name(prefix),
       event_const(prefix, ev.name))
    return sig + ';\n', sig + '\n' + body


def gen_events_module(schema, module, prefix):
    evs = [e for e in schema.module_entities(module) if isinstance(e, Event)]
    h = ''
    c = ''
    for ev in evs:
        d, body = gen_event_send(ev, prefix)
        h += wrap_if(ev.ifcond, d)
        c += wrap_if(ev.ifcond, body)
    hinc = ['"qapi/util.h"', '"qapi/%sqapi-types-%s.h"' % (prefix, module)]
    cinc = ['"qapi/qobject-output-visitor.h"',
            '"qapi/%sqapi-emit-events.h"' % prefix,
            '"qapi/%sqapi-events-%s.h"' % (prefix, module),
            '"qapi/%sqapi-visit-%s.h"' % (prefix, module)]
    return h, hinc, c, cinc


def gen_emit_events(schema, prefix):
    evs = [e for e in schema.entities if isinstance(e, Event)]
    name = event_enum_name(prefix)
    h = 'typedef enum %s {\n' % name
    c = 'const QEnumLookup %s_lookup = {\n    .array = (const char *const[]) {\n' \
        % name
    for ev in evs:
        h += wrap_if(ev.ifcond, '    %s,\n' % event_const(prefix, ev.name))
        c += wrap_if(ev.ifcond, '        [%s] = "%s",\n'
                     % (event_const(prefix, ev.name), ev.name))
    maxc = event_const(prefix, '_MAX')
    h += '    %s,\n} %s;\n\n' % (maxc, name)
    h += 'extern const QEnumLookup %s_lookup;\n' % name
    h += '#define %s_str(val) qapi_enum_lookup(&%s_lookup, (val))\n\n' % (
        name, name)
    h += ('/* Implemented by the monitor (data borrowed, may be NULL). */\n'
          'void %s(%s event, JsonObject *data);\n' % (event_emit_name(prefix),
                                                       name))
    c += '    },\n    .size = %s\n};\n' % maxc
    hinc = ['<json-glib/json-glib.h>', '"qapi/util.h"']
    cinc = ['"qapi/%sqapi-emit-events.h"' % prefix]
    return h, hinc, c, cinc
