#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "svc_json.h"
#include "svc_problem.h"

const char *svc_http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Request Entity Too Large";
    case 414: return "Request URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default:  return status >= 500 ? "Internal Server Error" : "Bad Request";
    }
}

const char *svc_problem_default_detail(int status)
{
    switch (status) {
    case 400:
        return "The browser (or proxy) sent a request that this server could "
               "not understand.";
    case 401:
        return "The server could not verify that you are authorized to access "
               "the URL requested. You either supplied the wrong credentials "
               "(e.g. a bad password), or your browser doesn't understand how "
               "to supply the credentials required.";
    case 403:
        return "You don't have the permission to access the requested "
               "resource. It is either read-protected or not readable by the "
               "server.";
    case 404:
        return "The requested URL was not found on the server. If you entered "
               "the URL manually please check your spelling and try again.";
    case 405:
        return "The method is not allowed for the requested URL.";
    case 409:
        return "A conflict happened while processing the request. The "
               "resource might have been modified while the request was being "
               "processed.";
    case 413:
        return "The data value transmitted exceeds the capacity limit.";
    case 415:
        return "The server does not support the media type transmitted in "
               "the request.";
    case 429:
        return "This user has exceeded an allotted request count. Try again "
               "later.";
    case 502:
        return "The proxy server received an invalid response from an "
               "upstream server.";
    case 504:
        return "The connection to an upstream server timed out.";
    case 503:
        return "The server is temporarily unable to service your request due "
               "to maintenance downtime or capacity problems. Please try again "
               "later.";
    default:
        if (status >= 500) {
            return "The server encountered an internal error and was unable "
                   "to complete your request. Either the server is overloaded "
                   "or there is an error in the application.";
        }
        return "The browser (or proxy) sent a request that this server could "
               "not understand.";
    }
}

json_t *svc_problem_make(int status, const char *detail, svc_problem_style style)
{
    const char *reason = svc_http_reason(status);
    size_t size;
    char *title;
    json_t *doc;

    if (!detail) {
        detail = svc_problem_default_detail(status);
    }
    size = strlen(detail) + strlen(reason) + 16;
    title = malloc(size);
    if (!title) {
        return NULL;
    }
    snprintf(title, size, "%d %s: %s", status, reason, detail);
    /* detail may quote client input (a tree name): never fail on bad UTF-8 */
    doc = json_object();
    json_object_set_new(doc, "type", json_string("about:blank"));
    json_object_set_new(doc, "instance", json_string("about:blank"));
    json_object_set_new(doc, "status", json_integer(status));
    json_object_set_new(doc, "title", svc_json_string_lossy(title));
    json_object_set_new(doc, "detail", svc_json_string_lossy(detail));
    free(title);
    if (style == SVC_PROBLEM_WRAPPED) {
        json_t *err = json_deep_copy(doc);
        json_object_set(err, "name", json_object_get(doc, "title"));
        json_object_set(err, "description", json_object_get(doc, "detail"));
        json_object_set_new(doc, "error", err);
    }
    return doc;
}

const char *svc_problem_content_type(svc_problem_style style)
{
    return style == SVC_PROBLEM_WRAPPED ? "application/json"
                                        : "application/problem+json";
}
