import { readFileSync } from 'node:fs'
import * as v from 'valibot'
import type { Blok, Component } from '../../proxy/deps.ts'
import { DEMO_USERS, type SimUser } from './storyblokVersions.ts'

/**
 * Demo data for the Management API simulator, the playground and the browser tests.
 * Component schemas are the real public demo space's (test/fixtures/storyblok-demo-space-components.json);
 * that fixture already marks many text fields `translatable: true`, so nothing is patched.
 */

/** Modern (> 2^48) EU space id: `getRegion()` resolves it to 'eu'. */
export const DEMO_SPACE_ID = 288868932106293
/** A US-range space the demo tokens are not allowed to use (403). */
export const OTHER_SPACE_ID = 1234567

/** Scoped personal access token: sent bare in `Authorization`. Allowed for DEMO_SPACE_ID only. */
export const DEMO_PAT = 'sim-pat-demo-space-0000000000000000'
/**
 * The editor's own session in the emulator (its Save): a personal access token of Erika Editor, so the versions show
 * her saves as hers, not the proxy's.
 */
export const DEMO_EDITOR_PAT = 'sim-pat-editor-session-000000000000'
/** OAuth token: sent as `Bearer <token>`. Allowed for DEMO_SPACE_ID only. */
export const DEMO_OAUTH_TOKEN = 'sim-oauth-demo-space-000000000000000'

export const DEMO_STORY_IDS = {
  /** default-page "home": hero, text, features grid, FAQ (tabbed content), pricing (price cards). */
  home: 611000001,
  /** article-page with richtext body and German translations. */
  article: 611000002,
  /** `settings/brand-voice`: the style guide (article-page: teaser + richtext). */
  brandVoice: 611000003,
  /** A story in OTHER_SPACE_ID. */
  other: 622000001,
} as const

export const DEMO_SLUGS = { home: 'home', article: 'blog/why-headless', brandVoice: 'settings/brand-voice' } as const

const uid = (n: number) => `5b0e7c1a-0000-4000-8000-${String(n).padStart(12, '0')}`

/** Block `_uid`s worth knowing in tests. */
export const DEMO_UIDS = {
  homeRoot: uid(1),
  hero: uid(2),
  heroButton: uid(3),
  intro: uid(4),
  features: uid(5),
  featureCard1: uid(6),
  featureCard2: uid(7),
  featureCard3: uid(8),
  faq: uid(9),
  faqItem1: uid(10),
  faqItem2: uid(11),
  faqItem3: uid(12),
  pricing: uid(13),
  priceStarter: uid(14),
  priceBusiness: uid(15),
  articleRoot: uid(20),
  brandVoiceRoot: uid(30),
  otherRoot: uid(40),
} as const

export type SeedStory = {
  id: number
  uuid: string
  name: string
  slug: string
  full_slug: string
  parent_id: number | null
  content: Blok
  created_at: string
  published_at: string | null
  first_published_at: string | null
}

export type SpaceSeed = { spaceId: number; components: Component[]; stories: SeedStory[] }

export type TokenGrant = {
  token: string
  kind: 'pat' | 'oauth'
  spaces: number[] | 'all'
  /** The token's owner, the author of its saves in the story versions (default DEMO_USERS.token). */
  user?: SimUser
  /** Epoch ms after which the token is refused with 401 (OAuth access tokens live 899 s). */
  expiresAt?: number
  /** OAuth scopes; without `write_content` every write is refused with 403. Absent: all (a PAT's own scope). */
  scope?: string[]
  /** Content types (root component names) this user's space role may not change: a PUT answers 403. */
  readOnlyContentTypes?: string[]
}

export type StoryblokSeed = { spaces: SpaceSeed[]; tokens: TokenGrant[] }

const FieldSchema = v.looseObject({ type: v.string() })
const ComponentSchema = v.looseObject({
  name: v.string(),
  display_name: v.optional(v.nullable(v.string())),
  is_root: v.optional(v.boolean()),
  is_nestable: v.optional(v.boolean()),
  schema: v.record(v.string(), FieldSchema),
})
const FixtureSchema = v.object({ components: v.array(ComponentSchema) })

/** The 31 real component schemas of the public demo space (fresh copy on each call). */
export function demoComponents(): Component[] {
  const text = readFileSync(new URL('../fixtures/storyblok-demo-space-components.json', import.meta.url), 'utf8')
  return v.parse(FixtureSchema, JSON.parse(text)).components
}

const p = (...texts: string[]) => ({
  type: 'doc',
  content: texts.map((t) => ({ type: 'paragraph', content: [{ type: 'text', text: t }] })),
})

const button = (n: number, label: string) => ({
  _uid: uid(n),
  component: 'button',
  label,
  link: { id: '', url: '/contact', linktype: 'url', fieldtype: 'multilink', cached_url: '/contact' },
  style: 'default',
  size: 'medium',
  text_color: 'light',
  background_color: 'primary',
  border_radius: 'default',
})

function homeContent(): Blok {
  return {
    _uid: DEMO_UIDS.homeRoot,
    component: 'default-page',
    body: [
      {
        _uid: DEMO_UIDS.hero,
        component: 'hero-section',
        headline: 'Content that moves at the speed of your team',
        headline__i18n__de: 'Inhalte im Tempo Ihres Teams',
        subheadline: 'Plan, write and publish every channel from one place.',
        subheadline__i18n__de: 'Alle Kanäle an einem Ort planen, schreiben und veröffentlichen.',
        text_color: 'light',
        horizontal_alignment: 'center',
        vertical_alignment: 'center',
        full_height: false,
        overlay: '',
        background_image: {
          id: 1001,
          alt: 'Rocket launch',
          name: '',
          focus: '',
          title: '',
          filename: 'https://a.storyblok.com/f/288868932106293/1920x1080/abc/hero.jpg',
          copyright: '',
          fieldtype: 'asset',
          is_external_url: false,
        },
        background_video: {
          id: null,
          alt: null,
          name: '',
          focus: null,
          title: null,
          filename: '',
          copyright: null,
          fieldtype: 'asset',
        },
        buttons: [{ ...button(3, 'Start free trial') }],
      },
      {
        _uid: DEMO_UIDS.intro,
        component: 'text-section',
        headline: 'Why teams switch to a headless CMS',
        lead: 'Editors keep their visual editor; developers keep their favourite framework.',
        text: p(
          'A headless CMS separates content from presentation, so one story can feed a website, an app and a kiosk.',
          'Our visual editor shows every change in context before it goes live.',
        ),
        alignment: 'left',
        background_color: 'white',
        single_color_background: false,
        overlap_preceding_hero: false,
        button: [],
      },
      {
        _uid: DEMO_UIDS.features,
        component: 'grid-section',
        headline: 'Everything you need',
        lead: 'Three reasons our customers stay.',
        cols: '3',
        background_color: 'white',
        cards: [
          {
            _uid: DEMO_UIDS.featureCard1,
            component: 'grid-card',
            label: 'Visual editing',
            text: 'See your page while you write it.',
            button: [],
            icon_width: '80',
            text_color: 'dark',
            icon: { id: null, filename: '', fieldtype: 'asset' },
            background_color: { value: '#ffffff', plugin: 'native-color-picker' },
          },
          {
            _uid: DEMO_UIDS.featureCard2,
            component: 'grid-card',
            label: 'Localization',
            text: 'Translate field by field, publish per language.',
            button: [],
            icon_width: '80',
            text_color: 'dark',
            icon: { id: null, filename: '', fieldtype: 'asset' },
            background_color: { value: '#ffffff', plugin: 'native-color-picker' },
          },
          {
            _uid: DEMO_UIDS.featureCard3,
            component: 'grid-card',
            label: 'Workflows',
            text: 'Review and approve before anything goes live.',
            button: [],
            icon_width: '80',
            text_color: 'dark',
            icon: { id: null, filename: '', fieldtype: 'asset' },
            background_color: { value: '#ffffff', plugin: 'native-color-picker' },
          },
        ],
      },
      {
        _uid: DEMO_UIDS.faq,
        component: 'tabbed-content-section',
        headline: 'Frequently asked questions',
        lead: 'Short answers to what people ask us most.',
        always_accordion: true,
        entries: [
          {
            _uid: DEMO_UIDS.faqItem1,
            component: 'tabbed-content-entry',
            headline: 'Can I try it for free?',
            description: 'Yes. The Starter plan is free forever for one user.',
            button: [],
            image: { id: null, filename: '', fieldtype: 'asset' },
          },
          {
            _uid: DEMO_UIDS.faqItem2,
            component: 'tabbed-content-entry',
            headline: 'Which frameworks are supported?',
            description: 'Any framework that can fetch JSON: Next.js, Nuxt, Astro, SvelteKit and more.',
            button: [],
            image: { id: null, filename: '', fieldtype: 'asset' },
          },
          {
            _uid: DEMO_UIDS.faqItem3,
            component: 'tabbed-content-entry',
            headline: 'Where is my content stored?',
            description: 'In the region you choose when you create the space, for example the EU.',
            button: [],
            image: { id: null, filename: '', fieldtype: 'asset' },
          },
        ],
      },
      {
        _uid: DEMO_UIDS.pricing,
        component: 'grid-section',
        headline: 'Simple pricing',
        lead: 'Start free, upgrade when you grow.',
        cols: '2',
        background_color: 'white',
        cards: [
          {
            _uid: DEMO_UIDS.priceStarter,
            component: 'price-card',
            headline: 'Starter',
            subheadline: 'For side projects',
            price: '0',
            text_below_price: p('per month'),
            button: [button(16, 'Sign up')],
            text_below_button: p('No credit card needed.'),
            most_popular: false,
          },
          {
            _uid: DEMO_UIDS.priceBusiness,
            component: 'price-card',
            headline: 'Business',
            subheadline: 'For growing teams',
            price: '99',
            text_below_price: p('per month, billed yearly'),
            button: [button(17, 'Talk to sales')],
            text_below_button: p('Cancel any time.'),
            most_popular: true,
          },
        ],
      },
    ],
  }
}

function articleContent(): Blok {
  return {
    _uid: DEMO_UIDS.articleRoot,
    component: 'article-page',
    headline: 'Why headless content wins',
    headline__i18n__de: 'Warum Headless-Inhalte gewinnen',
    subheadline: 'Five lessons from teams that moved',
    teaser: 'Moving to a headless CMS changed how these teams plan, write and ship content.',
    teaser__i18n__de:
      'Der Umstieg auf ein Headless-CMS hat verändert, wie diese Teams Inhalte planen und veröffentlichen.',
    text: {
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'One source, many channels' }] },
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Write once and publish to the web, apps and ' },
            { type: 'text', text: 'voice assistants', marks: [{ type: 'bold' }] },
            { type: 'text', text: '.' },
          ],
        },
        {
          type: 'bullet_list',
          content: [
            {
              type: 'list_item',
              content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Faster launches' }] }],
            },
            {
              type: 'list_item',
              content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Fewer copy-paste errors' }] }],
            },
          ],
        },
      ],
    },
    image: {
      id: 1002,
      alt: 'Team at a whiteboard',
      name: '',
      focus: '',
      title: '',
      filename: 'https://a.storyblok.com/f/288868932106293/1600x900/def/team.jpg',
      copyright: '',
      fieldtype: 'asset',
      is_external_url: false,
    },
    author: '',
    categories: [],
  }
}

function brandVoiceContent(): Blok {
  return {
    _uid: DEMO_UIDS.brandVoiceRoot,
    component: 'article-page',
    headline: 'Brand voice',
    subheadline: 'How we sound',
    teaser: 'Friendly, direct and concrete. We speak to one reader, use "you", and avoid jargon.',
    text: p(
      'Use short sentences. Prefer active voice. One idea per sentence.',
      'Say "you" and "we". Never "the user". No exclamation marks in headlines.',
      'British English spelling. Numbers as digits. Product names: Storyblok, Visual Editor.',
    ),
    image: { id: null, filename: '', fieldtype: 'asset' },
    author: '',
    categories: [],
  }
}

function story(
  id: number,
  name: string,
  fullSlug: string,
  content: Blok,
  parentId: number | null,
  published: boolean,
): SeedStory {
  const slug = fullSlug.split('/').at(-1) ?? fullSlug
  return {
    id,
    uuid: `0c0ffee0-0000-4000-8000-${String(id).padStart(12, '0')}`,
    name,
    slug,
    full_slug: fullSlug,
    parent_id: parentId,
    content,
    created_at: '2026-01-12T09:30:00.000Z',
    published_at: published ? '2026-01-12T10:00:00.000Z' : null,
    first_published_at: published ? '2026-01-12T10:00:00.000Z' : null,
  }
}

/** A fresh deep copy of the demo spaces, stories and tokens (mutating it never leaks between tests). */
export function storyblokDemoSeed(): StoryblokSeed {
  const components = demoComponents()
  return {
    spaces: [
      {
        spaceId: DEMO_SPACE_ID,
        components,
        stories: [
          story(DEMO_STORY_IDS.home, 'Home', DEMO_SLUGS.home, homeContent(), null, true),
          story(
            DEMO_STORY_IDS.article,
            'Why headless content wins',
            DEMO_SLUGS.article,
            articleContent(),
            611000010,
            true,
          ),
          story(DEMO_STORY_IDS.brandVoice, 'Brand voice', DEMO_SLUGS.brandVoice, brandVoiceContent(), 611000011, false),
        ],
      },
      {
        spaceId: OTHER_SPACE_ID,
        components: demoComponents(),
        stories: [
          story(
            DEMO_STORY_IDS.other,
            'Other home',
            'home',
            { _uid: DEMO_UIDS.otherRoot, component: 'default-page', body: [] },
            null,
            false,
          ),
        ],
      },
    ],
    tokens: [
      { token: DEMO_PAT, kind: 'pat', spaces: [DEMO_SPACE_ID] },
      { token: DEMO_OAUTH_TOKEN, kind: 'oauth', spaces: [DEMO_SPACE_ID] },
      { token: DEMO_EDITOR_PAT, kind: 'pat', spaces: [DEMO_SPACE_ID], user: DEMO_USERS.editor },
    ],
  }
}
