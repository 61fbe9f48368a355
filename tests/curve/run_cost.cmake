# cmake -DVALGRIND=valgrind -DPROG=curve_cost_X -DVARIANT=X -DOUT=prefix -P run_cost.cmake
# Instructions (callgrind Ir) of each measure_* function of curve_cost,
# inclusive, one callgrind run per function. Informational.
set(line "")
foreach(fn measure_keygen measure_shared measure_verify)
  execute_process(COMMAND ${VALGRIND} --tool=callgrind --collect-atstart=no
                          --toggle-collect=${fn} --callgrind-out-file=${OUT}.${fn}.out ${PROG}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${PROG} under callgrind: ${rc}\n${out}\n${err}")
  endif()
  file(STRINGS ${OUT}.${fn}.out summary REGEX "^(summary|totals): ")
  list(GET summary 0 s)
  string(REGEX REPLACE "^[a-z]+: ([0-9]+).*" "\\1" ir "${s}")
  string(APPEND line " ${fn}=${ir}")
endforeach()
message("cost ${VARIANT} (instructions, P-256):${line}")
