#!/bin/sh
# Regenerates the spoken prompt used by the voice tests (needs espeak-ng and sox: apt-get install espeak-ng sox).
# prompt.wav feeds Chromium's fake microphone; prompt.16k.pcm is the same speech as raw 16 kHz s16le mono,
# what the plugin sends to the proxy.
set -eu
cd "$(dirname "$0")/../test/fixtures"
espeak-ng -w prompt.wav "Write a hero headline for our autumn sale"
sox prompt.wav -r 16000 -c 1 -b 16 -e signed-integer -L -t raw prompt.16k.pcm
