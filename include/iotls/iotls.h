/*
 * iotls: a TLS client for IoT devices, on Mbed TLS.
 * One include for the whole public API.
 */
#ifndef IOTLS_IOTLS_H
#define IOTLS_IOTLS_H

#include "iotls/config.h"
#include "iotls/error.h"
#include "iotls/port.h"
#include "iotls/addr.h"
#include "iotls/trust.h"
#include "iotls/cred.h"
#include "iotls/conn.h"
#include "iotls/diagnose.h"
#include "iotls/probe.h"
#include "iotls/verify.h"
#include "iotls/bundle.h"
#include "iotls/session.h"

#define IOTLS_VERSION_STRING "0.1.0"

#endif /* IOTLS_IOTLS_H */
