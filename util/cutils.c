/* SPDX-License-Identifier: GPL-2.0-or-later */
/* String-to-number and small value parsers shared by option parsing. */
#include "qemu/osdep.h"
#include "qemu/option.h"

#include <ctype.h>

/*
 * Common tail of the strto* wrappers: decide between success, -EINVAL
 * (nothing converted, or trailing garbage when the caller gave no endptr)
 * and -ERANGE (overflow reported by libc).
 */
static int strtox_result(const char *nptr, const char *ep,
                         const char **endptr, int libc_errno)
{
    if (endptr) {
        *endptr = ep;
    }
    if (ep == nptr && libc_errno == 0) {
        return -EINVAL;
    }
    if (!endptr && *ep) {
        return -EINVAL;
    }
    return -libc_errno;
}

static bool strtox_base_ok(int base)
{
    return base == 0 || (base >= 2 && base <= 36);
}

int qemu_strtou64(const char *nptr, const char **endptr, int base,
                  uint64_t *result)
{
    char *ep;
    unsigned long long v;

    if (!nptr || !strtox_base_ok(base)) {
        *result = 0;
        if (endptr) {
            *endptr = nptr;
        }
        return -EINVAL;
    }
    errno = 0;
    v = strtoull(nptr, &ep, base);
    *result = errno == ERANGE ? UINT64_MAX : v;
    return strtox_result(nptr, ep, endptr, errno);
}

int qemu_strtoi64(const char *nptr, const char **endptr, int base,
                  int64_t *result)
{
    char *ep;

    if (!nptr || !strtox_base_ok(base)) {
        *result = 0;
        if (endptr) {
            *endptr = nptr;
        }
        return -EINVAL;
    }
    errno = 0;
    *result = strtoll(nptr, &ep, base);
    return strtox_result(nptr, ep, endptr, errno);
}

int qemu_strtoi(const char *nptr, const char **endptr, int base, int *result)
{
    char *ep;
    long long v;
    int err;

    if (!nptr || !strtox_base_ok(base)) {
        *result = 0;
        if (endptr) {
            *endptr = nptr;
        }
        return -EINVAL;
    }
    errno = 0;
    v = strtoll(nptr, &ep, base);
    err = errno;
    if (v < INT_MIN) {
        *result = INT_MIN;
        err = ERANGE;
    } else if (v > INT_MAX) {
        *result = INT_MAX;
        err = ERANGE;
    } else {
        *result = (int)v;
    }
    return strtox_result(nptr, ep, endptr, err);
}

/*
 * Unsigned decimal without wrap-around: a leading '-' is -ERANGE (as in
 * QEMU's parse_uint), no digits is -EINVAL.  *end is set past the digits.
 */
static int parse_decimal(const char *s, const char **end, uint64_t *val)
{
    const char *p = s;
    char *ep;
    unsigned long long v;

    *val = 0;
    *end = s;
    while (isspace((unsigned char)*p)) {
        p++;
    }
    if (*p == '-') {
        errno = 0;
        strtoull(p + 1, &ep, 10);
        if (ep == p + 1) {
            return -EINVAL;
        }
        *end = ep;
        return -ERANGE;
    }
    if (!isdigit((unsigned char)*p) && *p != '+') {
        return -EINVAL;
    }
    errno = 0;
    v = strtoull(p, &ep, 10);
    if (ep == p) {
        return -EINVAL;
    }
    *end = ep;
    if (errno == ERANGE) {
        *val = UINT64_MAX;
        return -ERANGE;
    }
    *val = v;
    return 0;
}

/* Scale of a size suffix letter; 0 if c is not one. */
static uint64_t size_suffix_scale(char c, uint64_t unit)
{
    switch (c) {
    case 'b': case 'B':
        return 1;
    case 'k': case 'K':
        return unit;
    case 'm': case 'M':
        return unit * unit;
    case 'g': case 'G':
        return unit * unit * unit;
    case 't': case 'T':
        return unit * unit * unit * unit;
    case 'p': case 'P':
        return unit * unit * unit * unit * unit;
    case 'e': case 'E':
        return unit * unit * unit * unit * unit * unit;
    }
    return 0;
}

/*
 * Sizes: decimal with an optional fraction and an optional binary suffix
 * (b k M G T P E, either case), or hexadecimal without fraction or
 * suffix.  A fraction needs a scale larger than a byte.  Negative values
 * and overflow are -ERANGE; anything else malformed is -EINVAL.  On error
 * *result is 0 and *end is nptr (-EINVAL) or past the number (-ERANGE).
 */
static int do_strtosz(const char *nptr, const char **end, char default_suffix,
                      uint64_t *result)
{
    const char *p = nptr;
    uint64_t val = 0;
    double frac = 0.0;
    bool has_frac = false;
    uint64_t scale;
    int ret;

    if (!nptr) {
        ret = -EINVAL;
        goto out;
    }
    ret = parse_decimal(nptr, &p, &val);
    if (ret == -ERANGE) {
        goto out;
    }
    if (ret == 0 && val == 0 && (*p == 'x' || *p == 'X')) {
        char *ep;

        errno = 0;
        val = strtoull(nptr, &ep, 16);
        p = ep;
        if (errno == ERANGE) {
            ret = -ERANGE;
            goto out;
        }
        if (*p == '.' || size_suffix_scale(*p, 1024)) {
            ret = -EINVAL;
            p = nptr;
            goto out;
        }
        ret = 0;
    } else if (*p == '.' || (ret == -EINVAL && strchr(nptr, '.'))) {
        /* Fraction: digits after '.'; an 'e' is a suffix, not an exponent. */
        const char *q = p;
        g_autoptr(GString) digits = g_string_new("0.");

        if (ret == -EINVAL) {
            /* ".5k": no integer part; skip leading blanks */
            while (isspace((unsigned char)*q)) {
                q++;
            }
            if (*q != '.' || !isdigit((unsigned char)q[1])) {
                p = nptr;
                goto out;
            }
            val = 0;
        }
        q++;
        while (isdigit((unsigned char)*q)) {
            g_string_append_c(digits, *q);
            q++;
        }
        frac = g_ascii_strtod(digits->str, NULL);
        has_frac = frac != 0.0;
        if (!has_frac && strspn(digits->str + 2, "0") != digits->len - 2) {
            /* underflow of a non-zero fraction still counts as a fraction */
            has_frac = true;
        }
        p = q;
        ret = 0;
    }
    if (ret) {
        p = nptr;
        goto out;
    }

    scale = size_suffix_scale(*p, 1024);
    if (scale) {
        p++;
    } else {
        scale = size_suffix_scale(default_suffix, 1024);
    }
    if (scale == 1) {
        if (has_frac) {
            ret = -EINVAL;
            p = nptr;
            goto out;
        }
    } else {
        uint64_t whole, part;

        if (val > UINT64_MAX / scale) {
            ret = -ERANGE;
            goto out;
        }
        whole = val * scale;
        /* scale is a power of two up to 2^60: frac * scale is exact enough */
        part = (uint64_t)(frac * (double)scale + 0.5);
        if (whole > UINT64_MAX - part) {
            ret = -ERANGE;
            goto out;
        }
        val = whole + part;
    }
    ret = 0;

out:
    if (end) {
        *end = ret == -EINVAL ? nptr : p;
    } else if (ret == 0 && *p) {
        ret = -EINVAL;
    }
    *result = ret == 0 ? val : 0;
    return ret;
}

int qemu_strtosz(const char *nptr, const char **end, uint64_t *result)
{
    return do_strtosz(nptr, end, 'B', result);
}

int qemu_strtosz_MiB(const char *nptr, const char **end, uint64_t *result)
{
    return do_strtosz(nptr, end, 'M', result);
}

bool qapi_bool_parse(const char *name, const char *value, bool *obj,
                     Error **errp)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };
    size_t i;

    for (i = 0; value && i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(value, yes[i])) {
            *obj = true;
            return true;
        }
        if (!strcmp(value, no[i])) {
            *obj = false;
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
    return false;
}

bool id_wellformed(const char *id)
{
    size_t i;

    if (!id || !g_ascii_isalpha(id[0])) {
        return false;
    }
    for (i = 1; id[i]; i++) {
        if (!g_ascii_isalnum(id[i]) && !strchr("-._", id[i])) {
            return false;
        }
    }
    return true;
}
