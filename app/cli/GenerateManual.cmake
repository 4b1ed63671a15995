# Run at build time (see CMakeLists.txt): the built orteam-cli writes its man page and its bash
# completion. Each file is replaced only when it was written whole.
# Arguments: -DPROGRAM=orteam-cli -DMAN=file -DCOMPLETION=file
set(ENV{ASAN_OPTIONS} "detect_leaks=0") # a sanitized build's leak report at exit is not a failure here
foreach(job "--generate-man|${MAN}" "--generate-completion|${COMPLETION}")
    string(REPLACE "|" ";" job "${job}")
    list(GET job 0 option)
    list(GET job 1 file)
    get_filename_component(dir "${file}" DIRECTORY)
    file(MAKE_DIRECTORY "${dir}")
    execute_process(COMMAND "${PROGRAM}" ${option} OUTPUT_FILE "${file}.part" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        file(REMOVE "${file}.part")
        message(FATAL_ERROR "${PROGRAM} ${option} failed: ${rc}")
    endif()
    file(RENAME "${file}.part" "${file}")
endforeach()
