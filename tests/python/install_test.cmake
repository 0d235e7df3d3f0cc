# `cmake --install` puts the Python package where AC_PYTHON_INSTALL_DIR says, and it imports from there:
# installs BUILD_DIR into a fresh PREFIX, then runs PYTHON with PYTHONPATH=PREFIX/PACKAGE_DIR.
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX} OUTPUT_QUIET RESULT_VARIABLE code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "cmake --install ${BUILD_DIR} --prefix ${PREFIX} failed (${code})")
endif()
set(ENV{PYTHONPATH} ${PREFIX}/${PACKAGE_DIR})
execute_process(
  COMMAND ${PYTHON} -c "import actorcritic, os; print(os.path.dirname(actorcritic.__file__)); \
print(actorcritic.__version__, len(actorcritic.environment_ids))"
  WORKING_DIRECTORY ${PREFIX}  # not the build folder, which holds a package of the same name
  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "importing the installed package failed (${code}):\n${err}")
endif()
if(NOT out MATCHES "^${PREFIX}/${PACKAGE_DIR}/actorcritic\n[0-9]+\\.[0-9]+\\.[0-9]+ [0-9]+")
  message(FATAL_ERROR "the package did not import from ${PREFIX}/${PACKAGE_DIR}: ${out}")
endif()
message(STATUS "installed into ${PREFIX}/${PACKAGE_DIR}; imports as ${out}")
