# Scenarios against real servers on loopback (tests/scenarios/*.toml, run by
# tests/harness/run.py; see docs/testing.md). Included by tests/CMakeLists.txt.
#
#   pki                          fixture: generates the test PKI (openssl)
#   scenario.RUN                 the tool, build/bin/iotls
#   scenario.RUN.asan            the ASan+UBSan tool, build/bin/iotls-asan
#   scenario.RUN.valgrind        the tool under valgrind, leaks are failures
#
# RUN is NAME.tls13 / NAME.tls12 for a scenario run against a server pinned
# to that TLS version (labels tls13 / tls12 too), or NAME for one without a
# version dimension (no server, a raw TCP server, or tls = []).

find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter)
find_program(IOTLS_OPENSSL openssl REQUIRED)

set(IOTLS_HARNESS_DIR ${CMAKE_CURRENT_SOURCE_DIR}/harness)
set(IOTLS_PKI_DIR ${CMAKE_CURRENT_BINARY_DIR}/pki)
set(IOTLS_SCENARIO_LOGS ${CMAKE_CURRENT_BINARY_DIR}/scenario-logs)

# The list of scenarios is read at configure time; editing a scenario file
# (or adding one) re-runs the configure step.
file(GLOB IOTLS_SCENARIO_FILES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/*.toml)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
    ${IOTLS_SCENARIO_FILES} ${IOTLS_HARNESS_DIR}/catalog.py ${IOTLS_HARNESS_DIR}/run.py)
# Each scenario is registered for the variants it lists (`variants`, default
# all three); run.py --list --variant V prints the names for V.
foreach(variant none asan valgrind)
  execute_process(
      COMMAND ${Python3_EXECUTABLE} ${IOTLS_HARNESS_DIR}/run.py --list --variant ${variant}
      OUTPUT_VARIABLE names ERROR_VARIABLE err RESULT_VARIABLE rc
      OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0 OR (variant STREQUAL "none" AND names STREQUAL ""))
    message(FATAL_ERROR "tests/harness/run.py --list --variant ${variant} failed (${rc}): ${err}")
  endif()
  set(IOTLS_SCENARIOS_${variant} ${names})
endforeach()
set(IOTLS_SCENARIOS ${IOTLS_SCENARIOS_none})

add_test(NAME pki COMMAND ${Python3_EXECUTABLE} ${IOTLS_HARNESS_DIR}/pki.py --out ${IOTLS_PKI_DIR})
set_tests_properties(pki PROPERTIES FIXTURES_SETUP pki LABELS scenario TIMEOUT 120)

set(run ${Python3_EXECUTABLE} ${IOTLS_HARNESS_DIR}/run.py)
set(common --pki ${IOTLS_PKI_DIR} --logs ${IOTLS_SCENARIO_LOGS})
foreach(name ${IOTLS_SCENARIOS})
  add_test(NAME scenario.${name}
      COMMAND ${run} ${name} --iotls $<TARGET_FILE:iotls_tool> ${common})
  set(tests scenario.${name})
  if(IOTLS_ASAN_VARIANT AND name IN_LIST IOTLS_SCENARIOS_asan)
    add_test(NAME scenario.${name}.asan
        COMMAND ${run} ${name} --iotls $<TARGET_FILE:iotls_tool-asan> --wrap asan ${common})
    list(APPEND tests scenario.${name}.asan)
  endif()
  if(name IN_LIST IOTLS_SCENARIOS_valgrind)
    add_test(NAME scenario.${name}.valgrind
        COMMAND ${run} ${name} --iotls $<TARGET_FILE:iotls_tool> --wrap valgrind ${common})
    list(APPEND tests scenario.${name}.valgrind)
  endif()
  set(labels scenario)
  if(name MATCHES "\\.(tls1[23])$")
    list(APPEND labels ${CMAKE_MATCH_1})
  endif()
  # The runner has its own watchdogs; this outer bound only catches a hung
  # runner.
  set_tests_properties(${tests} PROPERTIES FIXTURES_REQUIRED pki LABELS "${labels}" TIMEOUT 300)
endforeach()
