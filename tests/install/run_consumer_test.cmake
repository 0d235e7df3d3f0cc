# Installs actorcritic from BUILD_DIR into a fresh prefix, then configures,
# builds and runs the consumer project twice: through find_package(CONFIG)
# against the installed tree (the README's program), and through
# add_subdirectory(SOURCE_DIR) (a light program: one compile of the README's is enough).
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE code)
  if(NOT code EQUAL 0)
    string(REPLACE ";" " " printable "${ARGV}")
    message(FATAL_ERROR "command failed (${code}): ${printable}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix)
if(NOT EXISTS ${WORK_DIR}/prefix/include/actorcritic/actorcritic.hpp)
  message(FATAL_ERROR "install did not place the headers under include/actorcritic")
endif()

# The project's ccache, when it has one (CCACHE, optional), with paths hashed
# relative to the source tree as in the project's own build.
set(launcher)
if(CCACHE)
  set(ENV{CCACHE_BASEDIR} ${SOURCE_DIR})
  set(launcher -DCMAKE_CXX_COMPILER_LAUNCHER=${CCACHE})
endif()

foreach(mode find_package add_subdirectory)
  run(${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/build-${mode} ${launcher}
      -DCMAKE_BUILD_TYPE=Release -DCONSUMER_MODE=${mode}
      -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DACTORCRITIC_SOURCE_DIR=${SOURCE_DIR})
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/build-${mode})
  run(${WORK_DIR}/build-${mode}/consumer)
endforeach()
# Without a build type, both ways warn that the program would be unoptimized.
foreach(mode find_package add_subdirectory)
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/untyped-${mode}
                          -DCONSUMER_MODE=${mode} -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix
                          -DACTORCRITIC_SOURCE_DIR=${SOURCE_DIR}
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 0 OR NOT err MATCHES "actorcritic: CMAKE_BUILD_TYPE is not set")
    message(FATAL_ERROR "configuring without a build type (${mode}): expected the warning, got (${code}):\n${err}")
  endif()
endforeach()
message(STATUS "consumer built and ran via find_package and add_subdirectory; both warn without a build type")
