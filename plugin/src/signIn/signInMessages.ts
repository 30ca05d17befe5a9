/** The sign-in bar's words (kept beside it; the rest of the UI's are in i18n.ts). */
const en = {
  signIn: 'Sign in with Storyblok',
  signingIn: 'Waiting for Storyblok…',
  signOut: 'Sign out',
  signedInAs: 'Changes are saved as',
  signInRequired: 'Sign in so the assistant reads and changes this story as you, with your Storyblok permissions.',
  signInForWrites: 'Sign in to apply changes: they are saved as you.',
  popupBlocked: 'The sign-in window was blocked. Allow popups for this page and try again.',
  closed: 'The sign-in window was closed before Storyblok answered.',
}
export type SignInMessages = typeof en

const de: SignInMessages = {
  signIn: 'Mit Storyblok anmelden',
  signingIn: 'Warte auf Storyblok…',
  signOut: 'Abmelden',
  signedInAs: 'Änderungen werden gespeichert als',
  signInRequired:
    'Melde dich an, damit der Assistent diese Story als du liest und änderst, mit deinen Storyblok-Rechten.',
  signInForWrites: 'Melde dich an, um Änderungen zu übernehmen: Sie werden als du gespeichert.',
  popupBlocked: 'Das Anmeldefenster wurde blockiert. Erlaube Popups für diese Seite und versuche es erneut.',
  closed: 'Das Anmeldefenster wurde geschlossen, bevor Storyblok geantwortet hat.',
}

export const signInMessagesFor = (lang: 'en' | 'de'): SignInMessages => (lang === 'de' ? de : en)
