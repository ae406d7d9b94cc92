import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Session } from './api.js';
import App from './App.js';
import './styles.css';

const session = new Session();
session.adoptTokenFromUrl();
const root = document.getElementById('root');
if (root !== null) {
  createRoot(root).render(
    <StrictMode>
      <App session={session} />
    </StrictMode>,
  );
}
