# Mbed TLS 3.6 built from the Debian source package in deps/ (scripts/fetch-sources)
# with one of iotls's configuration headers in config/.
#
#   iotls_mbedtls_library(NAME CONFIG_HEADER [compile options...])
#
# defines the static library NAME: every file of library/ (Mbed TLS's own
# build splits it in three; one archive links the same) with
# MBEDTLS_CONFIG_FILE="CONFIG_HEADER" set for it and for whoever links it.
get_filename_component(_iotls_root ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)
set(IOTLS_DEPS_DIR ${_iotls_root}/deps CACHE PATH
    "Mbed TLS and LwIP sources (scripts/fetch-sources)")
set(IOTLS_MBEDTLS_DIR ${IOTLS_DEPS_DIR}/mbedtls)
if(NOT EXISTS ${IOTLS_MBEDTLS_DIR}/include/mbedtls/build_info.h)
  message(FATAL_ERROR "Mbed TLS 3.6 sources not found in ${IOTLS_MBEDTLS_DIR}: "
                      "run scripts/fetch-sources (scripts/install-deps does)")
endif()
file(STRINGS ${IOTLS_MBEDTLS_DIR}/include/mbedtls/build_info.h _v
     REGEX "define MBEDTLS_VERSION_STRING ")
if(NOT _v MATCHES "\"3\\.6\\.")
  message(FATAL_ERROR "iotls needs Mbed TLS 3.6 LTS in ${IOTLS_MBEDTLS_DIR}; found: ${_v}")
endif()

set(_iotls_config_dir ${CMAKE_CURRENT_LIST_DIR}/../config)
get_filename_component(_iotls_config_dir ${_iotls_config_dir} ABSOLUTE)

function(iotls_mbedtls_library name config)
  file(GLOB src ${IOTLS_MBEDTLS_DIR}/library/*.c)
  add_library(${name} STATIC ${src})
  target_include_directories(${name} SYSTEM PUBLIC ${IOTLS_MBEDTLS_DIR}/include
      ${_iotls_config_dir})
  target_include_directories(${name} PRIVATE ${IOTLS_MBEDTLS_DIR}/library)
  target_compile_definitions(${name} PUBLIC MBEDTLS_CONFIG_FILE="${config}")
  target_compile_options(${name} PRIVATE ${ARGN})
endfunction()
