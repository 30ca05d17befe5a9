import { createApp } from 'vue'
import App from './App.vue'

// Storyblok serves index.js in its own page, which may not provide a mount point.
const mount =
  document.getElementById('app') ??
  document.body.appendChild(Object.assign(document.createElement('div'), { id: 'app' }))
createApp(App).mount(mount)
