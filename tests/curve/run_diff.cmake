# cmake -DSTOCK=prog -DUNDER_TEST="prog;prog..." -DOUT=prefix [-DROUNDS=n] -P run_diff.cmake
# Runs the differential program of the stock build and of each build
# under test, and requires identical output (one line per case).
if(NOT DEFINED ROUNDS)
  set(ROUNDS 25)
endif()
execute_process(COMMAND ${STOCK} ${ROUNDS} OUTPUT_FILE ${OUT}.stock.txt
                ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${STOCK} failed: ${rc}\n${err}")
endif()
file(STRINGS ${OUT}.stock.txt stock_lines)
list(LENGTH stock_lines n)
# Which kinds of results were seen (zero points, refused inputs).
file(STRINGS ${OUT}.stock.txt zero_lines REGEX " zero$")
file(STRINGS ${OUT}.stock.txt err_lines REGEX "ret=-0x0*[1-9a-f][0-9a-f]* $")
list(LENGTH zero_lines nz)
list(LENGTH err_lines ne)
message("stock (ROUNDS=${ROUNDS}): ${n} cases, ${nz} zero results, ${ne} refused inputs")
set(i 0)
foreach(prog IN LISTS UNDER_TEST)
  math(EXPR i "${i} + 1")
  execute_process(COMMAND ${prog} ${ROUNDS} OUTPUT_FILE ${OUT}.${i}.txt
                  ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${prog} failed: ${rc}\n${err}")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}.stock.txt ${OUT}.${i}.txt
                  RESULT_VARIABLE differ)
  if(NOT differ EQUAL 0)
    execute_process(COMMAND diff ${OUT}.stock.txt ${OUT}.${i}.txt OUTPUT_VARIABLE d)
    string(SUBSTRING "${d}" 0 3000 d)
    message(FATAL_ERROR "MISMATCH between stock and ${prog} (${n} cases):\n${d}")
  endif()
  get_filename_component(name ${prog} NAME)
  message("${name}: ${n} cases, 0 mismatches with stock (results and error codes)")
endforeach()
