#include "CCurl.h"
#include <string.h>
#include <zlib.h>

CURLcode CCurl_setopt_long(CURL *h, CURLoption opt, long value) { return curl_easy_setopt(h, opt, value); }
CURLcode CCurl_setopt_string(CURL *h, CURLoption opt, const char *value) { return curl_easy_setopt(h, opt, value); }
CURLcode CCurl_setopt_pointer(CURL *h, CURLoption opt, void *value) { return curl_easy_setopt(h, opt, value); }
CURLcode CCurl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value) { return curl_easy_setopt(h, opt, value); }
CURLcode CCurl_setopt_off_t(CURL *h, CURLoption opt, curl_off_t value) { return curl_easy_setopt(h, opt, value); }
CURLcode CCurl_setopt_write_function(CURL *h, size_t (*fn)(char *, size_t, size_t, void *)) { return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fn); }
CURLcode CCurl_setopt_header_function(CURL *h, size_t (*fn)(char *, size_t, size_t, void *)) { return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, fn); }
CURLcode CCurl_setopt_read_function(CURL *h, size_t (*fn)(char *, size_t, size_t, void *)) { return curl_easy_setopt(h, CURLOPT_READFUNCTION, fn); }
CURLcode CCurl_setopt_xferinfo_function(CURL *h, int (*fn)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t)) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, fn); }
CURLcode CCurl_getinfo_long(CURL *h, CURLINFO info, long *value) { return curl_easy_getinfo(h, info, value); }
CURLcode CCurl_getinfo_double(CURL *h, CURLINFO info, double *value) { return curl_easy_getinfo(h, info, value); }
CURLcode CCurl_getinfo_off_t(CURL *h, CURLINFO info, curl_off_t *value) { return curl_easy_getinfo(h, info, value); }

size_t CCurl_gzip_bound(size_t inLen) {
    // deflateBound for raw deflate plus the gzip header (10) and trailer (8), with slack.
    return inLen + inLen / 1000 + 64 + 18;
}

int CCurl_gzip(const void *in, size_t inLen, void *out, size_t outCap, size_t *outLen, int level) {
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    // windowBits 15 + 16 selects the gzip wrapper.
    if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -2;
    zs.next_in = (Bytef *)in;
    zs.next_out = (Bytef *)out;
    int rc = Z_OK;
    size_t inLeft = inLen, outLeft = outCap;
    // avail_in/avail_out are 32-bit: feed in chunks so inputs over 4 GiB work too.
    while (rc == Z_OK) {
        uInt inChunk = inLeft > 0x40000000u ? 0x40000000u : (uInt)inLeft;
        uInt outChunk = outLeft > 0x40000000u ? 0x40000000u : (uInt)outLeft;
        zs.avail_in = inChunk;
        zs.avail_out = outChunk;
        int flush = inChunk == inLeft ? Z_FINISH : Z_NO_FLUSH;
        rc = deflate(&zs, flush);
        inLeft -= inChunk - zs.avail_in;
        outLeft -= outChunk - zs.avail_out;
        if (rc == Z_OK && outLeft == 0) { deflateEnd(&zs); return -1; }
        if (rc == Z_BUF_ERROR) { deflateEnd(&zs); return outLeft == 0 ? -1 : -2; }
    }
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) return -2;
    *outLen = outCap - outLeft;
    return 0;
}
