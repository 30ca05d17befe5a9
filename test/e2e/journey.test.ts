import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Frame, Page } from 'playwright-core'
import { reply } from '../../dev/simulators/bedrock.ts'
import { DEMO_SPACE_ID, DEMO_STORY_IDS, DEMO_UIDS, findBlock } from '../../dev/simulators/storyblok.ts'
import { browserAvailable, collectConsoleErrors, pluginFrame, shot } from './support/browser.ts'
import { FIELD, startStack, type Stack } from './support/stack.ts'

const run = browserAvailable()
/** What the Transcribe simulator hears in test/fixtures/prompt.wav, and what the editor corrects it to. */
const SPOKEN = 'Write a short headline about our autumn sale'
const PROMPT = 'Write a short headline about our autumn sale and make the intro punchier'
const PROPOSAL = {
  changes: [
    { blockUid: DEMO_UIDS.hero, field: 'headline', value: 'Content at the speed of your team' },
    { blockUid: DEMO_UIDS.intro, field: 'headline', value: 'Why teams go headless' },
    { blockUid: DEMO_UIDS.intro, field: 'lead', value: 'Editors keep the visual editor.' },
  ],
}

describe.runIf(run)(
  'browser journey: speak → edit the request → streamed proposal → select/edit → apply → undo',
  () => {
    let stack: Stack
    let page: Page
    let plugin: Frame
    let errors: string[]
    const home = () => stack.world.storyblok.getStory(DEMO_SPACE_ID, DEMO_STORY_IDS.home)!
    let original: Record<string, unknown>

    beforeAll(async () => {
      stack = await startStack()
      // Words appear as the audio arrives; only a real utterance (not silence) yields the phrase.
      stack.world.transcribe.setDefault({
        phrase: (a) => (a.voicedMs >= 1200 ? SPOKEN : `only ${a.voicedMs} ms of speech`),
        minVoicedMs: 200,
      })
      original = structuredClone(home().content) as Record<string, unknown>
      ;({ page, plugin } = await stack.open({ story: String(DEMO_STORY_IDS.home) }))
      errors = collectConsoleErrors(page)
    })
    afterAll(async () => {
      await stack?.close()
    })

    it('opens inside the emulator in a cross-origin frame and is ready for a prompt', async () => {
      expect(new URL(plugin.url()).origin).toBe(stack.emulator.pluginOrigin)
      expect(new URL(page.url()).origin).not.toBe(stack.emulator.pluginOrigin)
      await plugin.waitForSelector('[data-testid="prompt-text"]')
      // heightChange reached the emulator: the iframe grew to the panel's height.
      await page.waitForFunction(() => (document.querySelector('iframe')?.getBoundingClientRect().height ?? 0) > 200)
      await shot(page, 'journey-01-open')
    })

    it('turns speech from the fake microphone into the request box, live, then editable', async () => {
      // Hands-free: listening ends by itself after the WAV (played once) falls silent.
      await plugin.click('[data-testid="mic-toggle"]')
      expect(await plugin.locator('[data-testid="voice-status"]').getAttribute('aria-live')).toBe('polite')
      await plugin.waitForFunction(() =>
        /\b(Write|a|short)\b/.test(
          (document.querySelector('[data-testid="prompt-text"]') as HTMLTextAreaElement).value,
        ),
      )
      await shot(page, 'journey-02-listening')
      await plugin.waitForSelector('[data-testid="countdown"]', { timeout: 15_000 })
      expect(await plugin.inputValue('[data-testid="prompt-text"]')).toBe(SPOKEN)
      const session = stack.world.transcribe.sessions.at(-1)!
      expect(session.audio.durationMs).toBeGreaterThan(2000)
      // Correcting the words stops the automatic send.
      await plugin.fill('[data-testid="prompt-text"]', PROMPT)
      expect(await plugin.locator('[data-testid="countdown"]').count()).toBe(0)
      await shot(page, 'journey-03-transcript-edited')
    })

    it('shows streamed text and the first change while the answer is still being written', async () => {
      // Slow events: after the first change completes, many tool-input chunks are still to come.
      stack.world.bedrock.script(
        reply.toolUse('propose_changes', PROPOSAL, {
          preface: 'Here are punchier versions of both headlines and the lead.',
          tokenDelayMs: 120,
          chunkSize: 12,
        }),
      )
      // Record, at the moment the first change is rendered, whether the answer was still streaming.
      await plugin.evaluate(() => {
        const w = window as unknown as { firstChangeWhileStreaming?: boolean; streamedTextAtFirstChange?: string }
        new MutationObserver((_, obs) => {
          if (!document.querySelector('[data-testid="change"]')) return
          w.firstChangeWhileStreaming = !!document.querySelector('[data-testid="streaming"]')
          w.streamedTextAtFirstChange = document.querySelector('[data-testid="streaming"]')?.textContent ?? ''
          obs.disconnect()
        }).observe(document.body, { childList: true, subtree: true })
      })
      await plugin.click('[data-testid="prompt-send"]')
      await plugin.waitForSelector('[data-testid="change"]')
      await shot(page, 'journey-04-streaming')
      const sent = stack.world.bedrock.requests
        .at(-1)
        ?.body?.messages?.at(-1)
        ?.content?.map((c: { text?: string }) => c.text ?? '')
        .join('')
      expect(sent).toContain(PROMPT)
      const seen = await plugin.evaluate(() => {
        const w = window as unknown as { firstChangeWhileStreaming?: boolean; streamedTextAtFirstChange?: string }
        return {
          firstChangeWhileStreaming: w.firstChangeWhileStreaming,
          streamedTextAtFirstChange: w.streamedTextAtFirstChange,
        }
      })
      expect(seen.firstChangeWhileStreaming).toBe(true)
      expect(seen.streamedTextAtFirstChange).toContain('punchier')
      await plugin.waitForSelector('[data-testid="streaming"]', { state: 'detached' })
      await plugin.waitForFunction(() => document.querySelectorAll('[data-testid="change"]').length === 3)
      const labels = await plugin.locator('[data-testid="change-label"]').allTextContents()
      expect(labels[0]).toMatch(/Hero.*› Headline$/)
      expect(await plugin.locator('[data-testid="change-before"]').first().textContent()).toBe(
        'Content that moves at the speed of your team',
      )
      expect(await plugin.locator('.va-msg--assistant').last().textContent()).toContain('Here are punchier versions')
      expect(await plugin.locator('[data-testid="usage"]').textContent()).toMatch(/in .* out/)
      await shot(page, 'journey-05-proposal')
    })

    it('applies exactly the selected changes, with the editor’s own edit, and records the history', async () => {
      await plugin.locator('[data-testid="change"]').nth(1).locator('[data-testid="change-select"]').uncheck()
      const lead = plugin.locator('[data-testid="change"]').nth(2)
      await lead.locator('[data-testid="change-edit"]').click()
      await lead
        .locator('[data-testid="change-editor"]')
        .fill('Editors keep their visual editor. Developers keep their stack.')
      await lead.locator('[data-testid="change-edit"]').click()
      expect(await plugin.locator('[data-testid="selected-count"]').textContent()).toContain('2')
      await shot(page, 'journey-06-edited')

      await plugin.click('[data-testid="apply"]')
      await plugin.waitForSelector('[data-testid="applied"]')
      expect(await plugin.locator('[data-testid="applied"]').textContent()).toContain('Reload the story')
      await shot(page, 'journey-07-applied')

      const saved = home().content
      expect(findBlock(saved, DEMO_UIDS.hero)?.['headline']).toBe('Content at the speed of your team')
      expect(findBlock(saved, DEMO_UIDS.intro)?.['headline']).toBe('Why teams switch to a headless CMS')
      expect(findBlock(saved, DEMO_UIDS.intro)?.['lead']).toBe(
        'Editors keep their visual editor. Developers keep their stack.',
      )
      // Everything else is byte for byte what it was.
      const expected = structuredClone(original)
      findBlock(expected, DEMO_UIDS.hero)!['headline'] = 'Content at the speed of your team'
      findBlock(expected, DEMO_UIDS.intro)!['lead'] = 'Editors keep their visual editor. Developers keep their stack.'
      const { [FIELD]: history, ...rest } = saved as Record<string, unknown>
      expect(rest).toEqual(expected)
      const entries = (
        history as {
          v: number
          history: Array<{ transcript: string; reason: string; changes: Array<{ field: string; after: unknown }> }>
        }
      ).history
      expect(entries).toHaveLength(1)
      expect(entries[0]).toMatchObject({ reason: 'apply', transcript: PROMPT })
      expect(entries[0]!.changes.map((c) => [c.field, c.after])).toEqual([
        ['headline', 'Content at the speed of your team'],
        ['lead', 'Editors keep their visual editor. Developers keep their stack.'],
      ])
    })

    it('undoes the last apply and restores the saved values', async () => {
      await plugin.click('[data-testid="undo"]')
      await plugin.waitForSelector('[data-testid="undone"]')
      await shot(page, 'journey-08-undone')
      const { [FIELD]: history, ...rest } = home().content as Record<string, unknown>
      expect(rest).toEqual(original)
      expect((history as { history: Array<{ reason: string }> }).history.map((e) => e.reason)).toEqual([
        'apply',
        'undo',
      ])
      expect(await plugin.locator('[data-testid="undo"]').count()).toBe(0)
      expect(errors).toEqual([])
    })

    it('reads its own field value (the history the proxy wrote) after the story is reloaded', async () => {
      await page.click('[data-testid="reload"]')
      // Like Storyblok, opening the story again mounts a fresh plugin frame.
      await expect.poll(() => plugin.isDetached()).toBe(true)
      const reloaded = await pluginFrame(page, stack.emulator.pluginOrigin)
      await reloaded.waitForSelector('[data-testid="history"]')
      expect(await reloaded.locator('[data-testid="history"]').textContent()).toContain('2 change sets')
      await shot(page, 'journey-09-reloaded-history')
    })
  },
)
