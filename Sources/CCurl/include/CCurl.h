#ifndef CCURL_H
#define CCURL_H
#include <stddef.h>
#include <curl/curl.h>

// libcurl's curl_easy_setopt/getinfo are variadic, which Swift cannot call: typed shims.
CURLcode CCurl_setopt_long(CURL *h, CURLoption opt, long value);
CURLcode CCurl_setopt_string(CURL *h, CURLoption opt, const char *value);
CURLcode CCurl_setopt_pointer(CURL *h, CURLoption opt, void *value);
CURLcode CCurl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value);
CURLcode CCurl_setopt_off_t(CURL *h, CURLoption opt, curl_off_t value);
CURLcode CCurl_setopt_write_function(CURL *h, size_t (*fn)(char *, size_t, size_t, void *));
CURLcode CCurl_setopt_header_function(CURL *h, size_t (*fn)(char *, size_t, size_t, void *));
CURLcode CCurl_setopt_read_function(CURL *h, size_t (*fn)(char *, size_t, size_t, void *));
CURLcode CCurl_setopt_xferinfo_function(CURL *h, int (*fn)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t));
CURLcode CCurl_getinfo_long(CURL *h, CURLINFO info, long *value);
CURLcode CCurl_getinfo_double(CURL *h, CURLINFO info, double *value);
CURLcode CCurl_getinfo_off_t(CURL *h, CURLINFO info, curl_off_t *value);

/// Gzip-compresses `in` (zlib, gzip wrapper) into `out` (capacity `outCap`).
/// Returns 0 and sets *outLen on success; -1 when `out` is too small; -2 on a zlib error.
/// `CCurl_gzip_bound` gives a capacity that is always enough.
int CCurl_gzip(const void *in, size_t inLen, void *out, size_t outCap, size_t *outLen, int level);
size_t CCurl_gzip_bound(size_t inLen);
#endif
