/** The editor's Storyblok tokens, as the token endpoint issued them. Stays inside the sealed session. */
export type TokenSet = { accessToken: string; refreshToken?: string; /** Epoch ms. */ expiresAt: number }

/** `GET /oauth/user_info`: who signed in, for which one space, with which space roles. */
export type StoryblokUserInfo = {
  user: { id: number; name: string }
  space: { id: number; name: string }
  roles: string[]
}

/** Storyblok's OAuth authorization server for apps (authorization-code flow with PKCE). Throws AppError. */
export interface StoryblokOAuth {
  authorizationUrl(request: { state: string; codeChallenge: string; spaceId?: number }): URL
  /** Checks the callback's state, then trades its code (and the PKCE verifier) for tokens. */
  exchangeCode(callbackUrl: URL, expected: { state: string; codeVerifier: string }): Promise<TokenSet>
  /** A fresh access token; `signin_required` when the refresh token no longer works (revoked, app removed). */
  refresh(refreshToken: string): Promise<TokenSet>
  userInfo(accessToken: string): Promise<StoryblokUserInfo>
}
