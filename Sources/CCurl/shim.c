#include "CCurl.h"

CURLcode CCurl_setopt_long(CURL *h, CURLoption opt, long value) { return curl_easy_setopt(h, opt, value); }
CURLcode CCurl_setopt_string(CURL *h, CURLoption opt, const char *value) { return curl_easy_setopt(h, opt, value); }
CURLcode CCurl_setopt_pointer(CURL *h, CURLoption opt, void *value) { return curl_easy_setopt(h, opt, value); }
CURLcode CCurl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value) { return curl_easy_setopt(h, opt, value); }
CURLcode CCurl_setopt_off_t(CURL *h, CURLoption opt, curl_off_t value) { return curl_easy_setopt(h, opt, value); }
CURLcode CCurl_setopt_write_function(CURL *h, size_t (*fn)(char *, size_t, size_t, void *)) { return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fn); }
CURLcode CCurl_setopt_read_function(CURL *h, size_t (*fn)(char *, size_t, size_t, void *)) { return curl_easy_setopt(h, CURLOPT_READFUNCTION, fn); }
CURLcode CCurl_setopt_xferinfo_function(CURL *h, int (*fn)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t)) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, fn); }
CURLcode CCurl_getinfo_long(CURL *h, CURLINFO info, long *value) { return curl_easy_getinfo(h, info, value); }
CURLcode CCurl_getinfo_double(CURL *h, CURLINFO info, double *value) { return curl_easy_getinfo(h, info, value); }
