#!/bin/sh
# Regenerates the spoken prompt used by the voice tests (needs espeak-ng and sox: apt-get install espeak-ng sox).
# prompt.wav feeds Chromium's fake microphone; prompt.16k.pcm is the same speech as raw 16 kHz s16le mono,
# what the plugin sends to the proxy.
set -eu
cd "$(dirname "$0")/../test/fixtures"
espeak-ng -w prompt.wav "Write a hero headline for our autumn sale"
sox prompt.wav -r 16000 -c 1 -b 16 -e signed-integer -L -t raw prompt.16k.pcm
# Spoken review commands (issue 18): one file per utterance, because Chromium's fake microphone plays one file per
# browser launch. The Transcribe simulator is told the words in each test; these give it real speech and silence.
espeak-ng -w apply-all-but-second.en.wav "Apply all but the second"
espeak-ng -w undo.en.wav "Undo"
espeak-ng -v de -w apply-one-and-three.de.wav "Eins und drei übernehmen"
espeak-ng -v de -w undo.de.wav "Rückgängig machen"
