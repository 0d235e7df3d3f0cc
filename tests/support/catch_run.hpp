#pragma once
// Runs the Catch2 tests of the executable with its command line (tests/catch_session.cpp).
int ac_run_catch(int argc, char** argv);
