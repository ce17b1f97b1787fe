#ifndef CCURL_H
#define CCURL_H
#include <curl/curl.h>

// libcurl's curl_easy_setopt/getinfo are variadic, which Swift cannot call: typed shims.
CURLcode CCurl_setopt_long(CURL *h, CURLoption opt, long value);
CURLcode CCurl_setopt_string(CURL *h, CURLoption opt, const char *value);
CURLcode CCurl_setopt_pointer(CURL *h, CURLoption opt, void *value);
CURLcode CCurl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value);
CURLcode CCurl_setopt_off_t(CURL *h, CURLoption opt, curl_off_t value);
CURLcode CCurl_setopt_write_function(CURL *h, size_t (*fn)(char *, size_t, size_t, void *));
CURLcode CCurl_setopt_read_function(CURL *h, size_t (*fn)(char *, size_t, size_t, void *));
CURLcode CCurl_setopt_xferinfo_function(CURL *h, int (*fn)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t));
CURLcode CCurl_getinfo_long(CURL *h, CURLINFO info, long *value);
CURLcode CCurl_getinfo_double(CURL *h, CURLINFO info, double *value);
#endif
